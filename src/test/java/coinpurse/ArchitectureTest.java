package coinpurse;

import static com.tngtech.archunit.core.domain.JavaCall.Predicates.target;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.name;
import static com.tngtech.archunit.core.domain.properties.HasOwner.Predicates.With.owner;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import coinpurse.db.Database;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, checked on the compiled classes: no package cycles, lower
 * layers never import higher ones, domain code knows nothing of HTTP, and features reach the
 * database only through {@link Database}'s transactions and reads. Also: no main source file
 * longer than {@link #MAX_LINES} lines.
 */
class ArchitectureTest {
    /** Packages that features build on; none of them may import a feature or the wiring. */
    private static final String[] LOWER = {"coinpurse.catalog..", "coinpurse.config..", "coinpurse.db..",
        "coinpurse.stripe..", "coinpurse.metrics..", "coinpurse.threads.."};
    private static final String[] FEATURES = {"coinpurse.auth..", "coinpurse.checkout..", "coinpurse.purchases..",
        "coinpurse.settlement..", "coinpurse.wallet..", "coinpurse.http..", "coinpurse.app..", "coinpurse.cli..",
        "coinpurse.audit..", "coinpurse.demo..", "coinpurse.sandbox..", "coinpurse.liability.."};

    /** The longest a file under src/main/java may be: beyond it, a class does more than one job. */
    private static final int MAX_LINES = 300;

    private static JavaClasses classes;

    /** The production classes only: the folder (or jar) that {@link Main} was loaded from. */
    @BeforeAll
    static void importClasses() throws URISyntaxException {
        Path mainClasses = Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        classes = new ClassFileImporter().importPath(mainClasses);
    }

    @Test
    void noPackageDependsOnItselfThroughAnother() {
        slices().matching("coinpurse.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void lowerLayersNeverImportAFeatureOrTheWiring() {
        noClasses().that().resideInAnyPackage(LOWER)
                .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
                .check(classes);
    }

    @Test
    void theCatalogIsALeaf() {
        noClasses().that().resideInAPackage("coinpurse.catalog..")
                .should().dependOnClassesThat().resideInAnyPackage(LOWER[1], LOWER[2], LOWER[3])
                .check(classes);
    }

    @Test
    void domainCodeKnowsNothingOfHttp() {
        noClasses().that().resideInAnyPackage("coinpurse.checkout..", "coinpurse.purchases..",
                        "coinpurse.settlement..", "coinpurse.wallet..", "coinpurse.catalog..", "coinpurse.stripe..",
                        "coinpurse.db..", "coinpurse.config..", "coinpurse.audit..", "coinpurse.sandbox..",
                        "coinpurse.liability..")
                .and().haveSimpleNameNotEndingWith("Controller")
                .and().doNotHaveSimpleName("InternalAuth")
                .should().dependOnClassesThat().resideInAnyPackage("io.javalin..", "coinpurse.http..",
                        "org.eclipse.jetty..")
                .check(classes);
    }

    @Test
    void onlyTheWiringAndTheCommandLineBuildTheApp() {
        noClasses().that().resideOutsideOfPackages("coinpurse.app..", "coinpurse.cli..", "coinpurse")
                .should().dependOnClassesThat().resideInAPackage("coinpurse.app..")
                .check(classes);
    }

    /**
     * Every write goes through {@code Database.inTransaction}, every read through {@code read} or
     * {@code readSnapshot}: outside db/, nothing takes a connection from the pool itself.
     */
    @Test
    void onlyTheDatabasePackageTakesConnectionsFromThePool() {
        noClasses().that().resideOutsideOfPackage("coinpurse.db..")
                .should().callMethodWhere(target(name("dataSource")).and(target(owner(assignableTo(Database.class)))))
                .check(classes);
    }

    @Test
    void noMainSourceFileIsLongerThan300Lines() throws IOException {
        List<String> tooLong;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            tooLong = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> lines(file) > MAX_LINES)
                    .map(file -> file + " has " + lines(file) + " lines")
                    .sorted()
                    .toList();
        }
        assertEquals(List.of(), tooLong, "over " + MAX_LINES + " lines: split by job");
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
