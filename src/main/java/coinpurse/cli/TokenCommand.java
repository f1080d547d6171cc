package coinpurse.cli;

import coinpurse.auth.JwtSecretFile;
import coinpurse.auth.TokenService;
import coinpurse.config.Config;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints a signed user token, for trying the API with curl. */
@Command(name = "token", mixinStandardHelpOptions = true, description = "Print a signed user token for USER_ID (for local testing).")
public final class TokenCommand implements Callable<Integer> {
    @Mixin
    ConfigOption configOption = new ConfigOption();

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "USER_ID", description = "The user id to put in the token's sub.")
    String userId;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "24h", converter = DurationConverter.class,
            description = "How long the token is valid: " + DurationConverter.FORMS + " (default 24h).")
    Duration ttl;

    @Override
    public Integer call() {
        if (!TokenService.isUserId(userId)) {
            spec.commandLine().getErr().println("USER_ID must be 1 to 128 characters, none of them a control character.");
            return ExitCodes.TROUBLE;
        }
        Config config = configOption.load();
        TokenService tokens = new TokenService(JwtSecretFile.resolve(config.jwtSecret(), config.dbPath()));
        spec.commandLine().getOut().println(tokens.issue(userId, ttl));
        return ExitCodes.OK;
    }
}
