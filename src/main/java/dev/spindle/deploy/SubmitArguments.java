package dev.spindle.deploy;

import static java.util.Objects.requireNonNull;

import dev.spindle.common.SpindleException;
import dev.spindle.config.ConfigEntry;
import dev.spindle.config.MasterSpec;
import dev.spindle.config.SpindleConf;
import dev.spindle.config.SpindleConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The parsed and validated command line of {@code spindle-submit}. {@link #parse} checks the flags, resolves
 * the configuration (entry defaults &lt; defaults file &lt; {@code --conf} &lt; dedicated flags) and validates
 * every value, so that a mistake fails before anything runs. Checks of the jar itself live in
 * {@link UserApplication}.
 *
 * @param action what the user asked for; for {@link Action#HELP} and {@link Action#VERSION} the other
 *     fields are empty
 * @param master the parsed {@code spindle.master}
 * @param conf the explicitly set keys (file, {@code --conf}, flags), {@code spindle.master} and
 *     {@code spindle.app.name} always included; only {@code spindle.*} keys
 * @param origins for each key of {@code conf}, where its value came from (for messages and --verbose)
 * @param jar the application jar
 * @param mainClass the binary name of the class whose {@code main} runs
 * @param appArgs the arguments after the jar, passed to {@code main} unchanged
 * @param verbose print the resolved configuration and full stack traces
 * @param warnings problems that do not stop the run (unknown keys), to print on stderr
 * @param applicationId the YARN application of {@link Action#STATUS} and {@link Action#KILL}; null otherwise
 */
public record SubmitArguments(Action action, MasterSpec master, SpindleConf conf, Map<String, String> origins,
        Path jar, String mainClass, List<String> appArgs, boolean verbose, List<String> warnings,
        String applicationId) {

    /** What {@code spindle-submit} was asked to do. */
    public enum Action { SUBMIT, HELP, VERSION, STATUS, KILL }

    public static final String USAGE = """
            Usage: spindle-submit [options] --class MAIN APP.jar [app args...]
                   spindle-submit --help | --version

            Options:
              --master MASTER           local[N], local[*], local[N,F], local-cluster[E,C,MB] or yarn (default local[*])
              --class MAIN              the application's main class (required)
              --name NAME               application name (default: the main class)
              --conf KEY=VALUE          set a spindle.* configuration key; repeatable
              --properties-file FILE    read configuration from FILE instead of conf/spindle-defaults.conf
              --driver-memory MEM       driver heap, e.g. 2g (spindle.driver.memory)
              --executor-memory MEM     executor heap, e.g. 4g (spindle.executor.memory)
              --executor-cores N        task threads per executor (spindle.executor.cores)
              --num-executors N         executors to request from YARN (spindle.executor.instances)
              --driver-cores N          vcores of the YARN ApplicationMaster that hosts the driver
              --queue QUEUE             YARN queue (spindle.yarn.queue, default "default")
              --jars A.jar,B.jar        more jars for the driver's and executors' class path (spindle.jars)
              --files F1,F2             files put in the working directory of the YARN containers (spindle.files)
              --status APPID            print the state of a YARN application and exit
              --kill APPID              kill a YARN application and exit
              --verbose, -v             print the resolved configuration and full stack traces
              --help, -h                print this help
              --version                 print the Spindle version

            Configuration, lowest to highest precedence: built-in defaults, $SPINDLE_CONF_DIR/spindle-defaults.conf
            (or --properties-file), --conf, the dedicated flags. Keys are listed in docs/configuration.md.
            Logging is configured in $SPINDLE_CONF_DIR/log4j2.properties.
            """;

    static final String DEFAULTS_FILE = "spindle-defaults.conf";

    /** Dedicated flags and the keys they set. */
    private static final Map<String, ConfigEntry<?>> FLAG_KEYS = Map.of(
            "--master", SpindleConfig.MASTER,
            "--name", SpindleConfig.APP_NAME,
            "--driver-memory", SpindleConfig.DRIVER_MEMORY,
            "--executor-memory", SpindleConfig.EXECUTOR_MEMORY,
            "--executor-cores", SpindleConfig.EXECUTOR_CORES,
            "--num-executors", SpindleConfig.EXECUTOR_INSTANCES,
            "--driver-cores", SpindleConfig.DRIVER_CORES,
            "--queue", SpindleConfig.YARN_QUEUE,
            "--jars", SpindleConfig.JARS,
            "--files", SpindleConfig.FILES);
    private static final List<String> OTHER_VALUE_FLAGS = List.of("--conf", "--properties-file", "--class");
    private static final Pattern CLASS_NAME = Pattern.compile(
            "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");

    public SubmitArguments {
        requireNonNull(action, "action is null");
        origins = origins == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(origins));
        appArgs = appArgs == null ? List.of() : List.copyOf(appArgs);
        warnings = warnings == null ? List.of() : List.copyOf(warnings);
        if (action == Action.SUBMIT) {
            requireNonNull(master, "master is null");
            requireNonNull(conf, "conf is null");
            requireNonNull(jar, "jar is null");
            requireNonNull(mainClass, "mainClass is null");
        }
    }

    /**
     * Parses {@code args}; {@code env} supplies {@code SPINDLE_CONF_DIR} and {@code SPINDLE_HOME}. Throws
     * {@link SpindleException} with a one-line message naming the bad value and the fix.
     */
    public static SubmitArguments parse(String[] args, Map<String, String> env) {
        requireNonNull(args, "args is null");
        requireNonNull(env, "env is null");
        Map<String, String> flagValues = new LinkedHashMap<>();
        List<String> confPairs = new ArrayList<>();
        String propertiesFile = null;
        String mainClass = null;
        boolean verbose = false;
        int i = 0;
        for (; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("-") || arg.equals("-")) {
                break;
            }
            String flag = arg;
            String inlineValue = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                flag = arg.substring(0, eq);
                inlineValue = arg.substring(eq + 1);
            }
            switch (flag) {
                case "--help", "-h" -> {
                    return simple(Action.HELP);
                }
                case "--version" -> {
                    return simple(Action.VERSION);
                }
                case "--verbose", "-v" -> verbose = true;
                case "--status", "--kill" -> {
                    String id = inlineValue != null ? inlineValue : i + 1 < args.length ? args[i + 1] : null;
                    if (id == null || id.startsWith("-")) {
                        throw SpindleException.invalidArgument("%s requires a YARN application id, e.g. %s "
                                + "application_1700000000000_0001", flag, flag);
                    }
                    return new SubmitArguments(flag.equals("--status") ? Action.STATUS : Action.KILL, null, null,
                            null, null, null, null, verbose, null, id);
                }
                default -> {
                    if (!FLAG_KEYS.containsKey(flag) && !OTHER_VALUE_FLAGS.contains(flag)) {
                        throw SpindleException.invalidArgument("unknown option %s; run spindle-submit --help", arg);
                    }
                    String value = inlineValue;
                    if (value == null) {
                        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                            throw SpindleException.invalidArgument("%s requires a value; run spindle-submit --help",
                                    flag);
                        }
                        value = args[++i];
                    }
                    switch (flag) {
                        case "--conf" -> confPairs.add(value);
                        case "--properties-file" -> propertiesFile = value;
                        case "--class" -> mainClass = value;
                        default -> flagValues.put(flag, value);
                    }
                }
            }
        }
        if (mainClass == null) {
            throw SpindleException.invalidArgument(
                    "missing --class MAIN: name the application's main class, e.g. --class com.example.WordCount");
        }
        checkClassName(mainClass);
        if (i >= args.length) {
            throw SpindleException.invalidArgument(
                    "missing application jar: give APP.jar after the options, e.g. spindle-submit --class %s app.jar",
                    mainClass);
        }
        Path jar = Path.of(args[i]);
        List<String> appArgs = List.of(args).subList(i + 1, args.length);

        Resolved resolved = resolveConf(env, propertiesFile, confPairs, flagValues);
        List<String> warnings = new ArrayList<>(resolved.warnings);
        Map<String, String> values = new TreeMap<>(resolved.values);
        Map<String, String> origins = new TreeMap<>(resolved.origins);
        warnings.addAll(validate(values, origins));
        // Before anything is uploaded or run: settings that contradict each other.
        SpindleConfig.checkConsistency(SpindleConf.of(values));
        if (!values.containsKey(SpindleConfig.MASTER.key())) {
            values.put(SpindleConfig.MASTER.key(), SpindleConfig.MASTER.defaultValue());
            origins.put(SpindleConfig.MASTER.key(), "default");
        }
        if (!values.containsKey(SpindleConfig.APP_NAME.key())) {
            values.put(SpindleConfig.APP_NAME.key(), mainClass);
            origins.put(SpindleConfig.APP_NAME.key(), "default: the main class");
        }
        String masterKey = SpindleConfig.MASTER.key();
        MasterSpec master;
        try {
            master = MasterSpec.parse(values.get(masterKey));
        } catch (SpindleException e) {
            throw withOrigin(e, origins.get(masterKey));
        }
        return new SubmitArguments(Action.SUBMIT, master, SpindleConf.of(values), origins, jar, mainClass, appArgs,
                verbose, warnings, null);
    }

    private static SubmitArguments simple(Action action) {
        return new SubmitArguments(action, null, null, null, null, null, null, false, null, null);
    }

    private static void checkClassName(String mainClass) {
        if (CLASS_NAME.matcher(mainClass).matches()) {
            return;
        }
        String hint = mainClass.replace('/', '.');
        if (hint.endsWith(".class")) {
            hint = hint.substring(0, hint.length() - ".class".length());
        }
        throw SpindleException.invalidArgument(
                "--class %s is not a Java class name; write the binary name, e.g. --class %s", mainClass,
                CLASS_NAME.matcher(hint).matches() ? hint : "com.example.Main");
    }

    private record Resolved(Map<String, String> values, Map<String, String> origins, List<String> warnings) {
    }

    private static Resolved resolveConf(Map<String, String> env, String propertiesFile, List<String> confPairs,
            Map<String, String> flagValues) {
        Map<String, String> values = new TreeMap<>();
        Map<String, String> origins = new TreeMap<>();
        List<String> warnings = new ArrayList<>();
        Optional<Path> file = configFile(env, propertiesFile);
        if (file.isPresent()) {
            String origin = file.get().toString();
            for (Map.Entry<String, String> e : SpindleConf.fromFile(file.get()).asMap().entrySet()) {
                put(values, origins, warnings, e.getKey(), e.getValue(), origin);
            }
        }
        for (String pair : confPairs) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw SpindleException.invalidArgument(
                        "--conf %s is not KEY=VALUE; write for example --conf spindle.executor.memory=2g", pair);
            }
            put(values, origins, warnings, pair.substring(0, eq).strip(), pair.substring(eq + 1).strip(), "--conf");
        }
        for (Map.Entry<String, String> e : flagValues.entrySet()) {
            put(values, origins, warnings, FLAG_KEYS.get(e.getKey()).key(), e.getValue().strip(), e.getKey());
        }
        return new Resolved(values, origins, warnings);
    }

    private static void put(Map<String, String> values, Map<String, String> origins, List<String> warnings,
            String key, String value, String origin) {
        if (!key.startsWith("spindle.")) {
            warnings.add("ignoring configuration key " + key + " (from " + origin
                    + "): Spindle keys start with spindle.");
            return;
        }
        values.put(key, value);
        origins.put(key, origin);
    }

    private static Optional<Path> configFile(Map<String, String> env, String propertiesFile) {
        if (propertiesFile != null) {
            Path file = Path.of(propertiesFile);
            if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
                throw SpindleException.invalidArgument("--properties-file %s does not exist or is not a readable file",
                        propertiesFile);
            }
            return Optional.of(file);
        }
        Path confDir = null;
        String confDirEnv = env.get("SPINDLE_CONF_DIR");
        String homeEnv = env.get("SPINDLE_HOME");
        if (confDirEnv != null && !confDirEnv.isBlank()) {
            confDir = Path.of(confDirEnv);
        } else if (homeEnv != null && !homeEnv.isBlank()) {
            confDir = Path.of(homeEnv, "conf");
        }
        if (confDir == null) {
            return Optional.empty();
        }
        Path file = confDir.resolve(DEFAULTS_FILE);
        return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
    }

    /** Parses every known key (throwing on a bad value, naming its origin); returns warnings for unknown keys. */
    private static List<String> validate(Map<String, String> values, Map<String, String> origins) {
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            Optional<ConfigEntry<?>> entry = SpindleConfig.entry(e.getKey());
            String origin = origins.get(e.getKey());
            if (entry.isEmpty() && !SpindleConfig.isUnknown(e.getKey())) {
                continue; // a spindle.hadoop.* setting, passed to Hadoop as it is
            }
            if (entry.isEmpty()) {
                warnings.add("unknown configuration key " + e.getKey() + " (from " + origin + ") is ignored"
                        + KeySuggestion.didYouMean(e.getKey()) + "; see docs/configuration.md for the keys");
                continue;
            }
            try {
                entry.get().parse(e.getValue());
            } catch (SpindleException ex) {
                throw withOrigin(ex, origin);
            }
        }
        return warnings;
    }

    private static SpindleException withOrigin(SpindleException e, String origin) {
        return new SpindleException(e.code(), e.getMessage() + " (from " + origin + ")", e);
    }
}
