package dev.spindle.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The layering of DESIGN.md, enforced: which Spindle package may import which. */
class LayeringTest {
    /** Package (relative to dev.spindle) -> the Spindle packages it may import besides itself. */
    private static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static {
        allow("common");
        allow("function", "common");
        allow("config", "common");
        allow("serde", "common", "config");
        allow("rpc", "common", "config");
        allow("plan", "common", "config", "function", "serde");
        allow("storage", "common", "config", "serde", "plan");
        allow("shuffle", "common", "config", "serde", "plan", "storage", "rpc");
        allow("io", "common", "config", "serde", "plan");
        allow("recovery", "common", "config", "serde", "plan", "io", "scheduler.spi");
        allow("scheduler.spi", "common", "plan");
        allow("scheduler.task", "common", "config", "plan", "scheduler.spi");
        allow("scheduler.dag", "common", "config", "plan", "serde", "shuffle", "recovery", "scheduler.task",
                "scheduler.spi");
        allow("scheduler.alloc", "common", "config", "plan", "scheduler.spi");
        allow("executor", "common", "config", "plan", "serde", "storage", "shuffle", "io", "rpc");
        allow("ui", "common", "config", "plan", "scheduler.spi"); // plan: the task metrics and failures events carry
        allow("cluster", "common", "config", "plan", "serde", "rpc", "shuffle", "executor", "scheduler.spi");
        allow("driver", "common", "config", "plan", "serde", "storage", "shuffle", "io", "recovery", "executor", "rpc",
                "scheduler.spi", "scheduler.task", "scheduler.dag", "scheduler.alloc", "ui", "cluster");
        allow("api", "common", "config", "function", "plan", "serde", "io", "recovery", "driver", "scheduler.spi");
        allow("yarn", "common", "config", "rpc", "cluster", "driver", "scheduler.spi", "recovery", "io", "ui", "shuffle");
        allow("deploy", "common", "config", "driver", "ui", "yarn");
        allow("history", "common", "config", "io", "recovery", "scheduler.spi", "ui");
        allow("examples", "common", "function", "api");
    }

    private static JavaClasses classes;

    private static void allow(String pkg, String... imports) {
        ALLOWED.put(pkg, Set.of(imports));
    }

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.spindle");
    }

    @TestFactory
    Stream<DynamicTest> eachPackageImportsOnlyWhatItMay() {
        return ALLOWED.entrySet().stream().map(entry -> DynamicTest.dynamicTest(entry.getKey(), () -> {
            Set<String> forbidden = new TreeSet<>(ALLOWED.keySet());
            forbidden.removeAll(entry.getValue());
            forbidden.remove(entry.getKey());
            // "scheduler" subpackages are listed one by one; a package never forbids its own subpackages.
            forbidden.removeIf(other -> other.startsWith(entry.getKey() + "."));
            String[] packages = forbidden.stream().map(p -> "dev.spindle." + p + "..").toArray(String[]::new);
            noClasses().that().resideInAPackage("dev.spindle." + entry.getKey() + "..")
                    .should().dependOnClassesThat().resideInAnyPackage(packages)
                    .because("DESIGN.md's layering allows " + entry.getKey() + " to import only " + entry.getValue())
                    .allowEmptyShould(true)
                    .check(classes);
        }));
    }

    @Test
    void everyProductionPackageIsInTheTable() {
        Set<String> unknown = new TreeSet<>();
        for (JavaClass c : classes) {
            String pkg = c.getPackageName().replaceFirst("^dev\\.spindle\\.?", "");
            if (!pkg.isEmpty() && ALLOWED.keySet().stream().noneMatch(p -> pkg.equals(p) || pkg.startsWith(p + "."))) {
                unknown.add(pkg);
            }
        }
        org.assertj.core.api.Assertions.assertThat(unknown)
                .as("packages missing from LayeringTest.ALLOWED: add them with their allowed imports")
                .isEmpty();
    }

    @Test
    void onlyYarnImportsYarnApis() {
        noClasses().that().resideOutsideOfPackage("dev.spindle.yarn..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.hadoop.yarn..")
                .check(classes);
    }

    @Test
    void nothingImportsDeploy() {
        noClasses().that().resideOutsideOfPackage("dev.spindle.deploy..")
                .should().dependOnClassesThat().resideInAPackage("dev.spindle.deploy..")
                .check(classes);
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.spindle.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void apiPublicSignaturesCarryNoHadoopTypes() {
        methods().that().areDeclaredInClassesThat().resideInAPackage("dev.spindle.api")
                .and().arePublic()
                .should(new ArchCondition<>("not mention Hadoop types in parameters or return types") {
                    @Override
                    public void check(JavaMethod method, ConditionEvents events) {
                        List<JavaClass> types = new java.util.ArrayList<>(method.getRawParameterTypes());
                        types.add(method.getRawReturnType());
                        for (JavaClass type : types) {
                            if (type.getPackageName().startsWith("org.apache.hadoop")) {
                                events.add(SimpleConditionEvent.violated(method, method.getFullName()
                                        + " exposes Hadoop type " + type.getName()));
                            }
                        }
                    }
                })
                .allowEmptyShould(true)
                .check(classes);
    }
}
