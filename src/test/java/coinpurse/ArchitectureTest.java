package coinpurse;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering of docs/architecture.md, checked on the compiled classes: no package cycles, lower
 * layers never import higher ones, and domain code knows nothing of HTTP.
 */
class ArchitectureTest {
    /** Packages that features build on; none of them may import a feature or the wiring. */
    private static final String[] LOWER = {"coinpurse.catalog..", "coinpurse.config..", "coinpurse.db..",
        "coinpurse.stripe..", "coinpurse.metrics.."};
    private static final String[] FEATURES = {"coinpurse.auth..", "coinpurse.checkout..", "coinpurse.purchases..",
        "coinpurse.settlement..", "coinpurse.wallet..", "coinpurse.http..", "coinpurse.app..", "coinpurse.cli..",
        "coinpurse.audit..", "coinpurse.demo..", "coinpurse.sandbox..", "coinpurse.liability.."};

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
}
