package dev.spindle.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spindle.deploy.ClusterRuns.Run;
import dev.spindle.config.SpindleConf;
import dev.spindle.history.HistoryServer;
import dev.spindle.yarn.mini.EmbeddedCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.api.records.YarnApplicationState;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The web UI as a user reaches it on YARN, in a real browser (Debian's chromium, headless, driven by Selenium), while
 * a word count holds its first map task on a marker: from the ResourceManager's page of the application through the
 * tracking URL and the web proxy to the running stage, the executors and a container log, and the environment with
 * its secret redacted; and a request that skips the proxy is sent to it. Screenshots of every page land in
 * {@code target/web-ui-it/screenshots}. After the end the ResourceManager holds the history server's URL of the
 * application as its link ({@code spindle.history.ui.address}), and the same proxied URL shows the application's
 * pages as the history server (started here over the cluster's event logs) rebuilds them.
 *
 * <p>Two NodeManagers, each in a JVM of its own ({@link EmbeddedCluster}): web UIs in one JVM would share Guice's
 * filter pipeline, which the server started last owns, and every NodeManager's container log pages would be its.
 */
@Timeout(600)
class WebUiIT {
    private static final String CLUSTER = "web-ui-it";
    private static final Path WORK = ClusterRuns.HOME.resolve("target/" + CLUSTER);
    private static final Path SCREENSHOTS = WORK.resolve("screenshots");
    private static final String SECRET = "hunter2-do-not-show";

    private static EmbeddedCluster cluster;
    private static FileSystem fs;
    private static ClusterRuns runs;
    private static YarnClient yarn;
    private static Path appJar;
    private static ChromeDriver browser;
    private static HistoryServer history;

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(SCREENSHOTS);
        cluster = EmbeddedCluster.start(CLUSTER, WORK.resolve("cluster"), 2, new Configuration(false));
        fs = cluster.fileSystem();
        runs = ClusterRuns.on(cluster, WORK);
        yarn = ClusterRuns.yarnClient(cluster);
        StringBuilder text = new StringBuilder();
        for (int line = 0; line < 2_000; line++) {
            text.append("alpha beta gamma ").append(line % 37).append('\n');
        }
        try (var out = fs.create(new org.apache.hadoop.fs.Path("/in/words.txt"))) {
            out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        }
        appJar = TestJars.build(WORK, "fault-job.jar", FaultJobs.sources());
        history = HistoryServer.start(SpindleConf.empty().with("spindle.history.ui.port", "0")
                .with("spindle.history.dir", fs.makeQualified(new org.apache.hadoop.fs.Path(fs.getHomeDirectory(),
                        ".spindle/events")).toString()));
        browser = startBrowser();
    }

    /** Headless chromium through Debian's chromedriver, found on the PATH where .ci/run installs them. */
    private static ChromeDriver startBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(executable("chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(Path.of(executable("chromedriver")).toFile()).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return driver;
    }

    private static String executable(String name) {
        return List.of(System.getenv("PATH").split(":")).stream().map(dir -> Path.of(dir, name))
                .filter(Files::isExecutable).findFirst().map(Path::toString)
                .orElseThrow(() -> new AssertionError(name + " is not on the PATH; .ci/run installs Debian's chromium "
                        + "and chromium-driver (apt-get install chromium chromium-driver)"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (history != null) {
            history.close();
        }
        if (yarn != null) {
            yarn.stop();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void duringAJobTheResourceManagersLinkLeadsThroughTheProxyToTheLiveUi() throws Exception {
        String name = "web-ui";
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> runs.submit("--num-executors", "2",
                "--name", name, "--conf", "spindle.test.password=" + SECRET, "--conf",
                "spindle.history.ui.address=" + history.uri().getAuthority(), "--class", "it.FaultJob",
                appJar.toString(), runs.hdfs("/in/words.txt"), runs.hdfs("/out/" + name),
                runs.hdfs("/markers/" + name), "kill-map"));
        ApplicationId appId;
        try {
            awaitHeld(name, "map-0", run);
            appId = runningApplication(name).getApplicationId();
            URI proxied = trackingUrlOnTheResourceManagersPage(appId.toString());

            browser.get(proxied.toString());
            screenshot("2-jobs");
            // The UI's root redirects to its jobs page, a redirect the proxy follows itself.
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Jobs");
            assertThat(browser.findElement(By.cssSelector("table.jobs tbody")).getText()).contains("RUNNING");

            openFromTheMenu("Stages");
            assertThat(browser.getCurrentUrl()).isEqualTo(proxied + "stages");
            // The held map task runs on; the other three finish on the other executor, which can take a while on a
            // busy machine: the page, reloaded, shows them as they end.
            Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                    .until(() -> {
                        browser.navigate().refresh();
                        return browser.findElement(By.cssSelector("table.stages tbody tr")).getText().contains("3/4");
                    });
            screenshot("3-stages");
            WebElement mapStage = browser.findElement(By.cssSelector("table.stages tbody tr"));
            assertThat(mapStage.getText()).contains("ACTIVE").contains("3/4 (1 running)");
            assertThat(mapStage.findElement(By.cssSelector(".progress .bar")).getAttribute("style"))
                    .contains("width: 75%");

            openFromTheMenu("Executors");
            screenshot("4-executors");
            List<WebElement> executors = browser.findElements(By.cssSelector("table.executors tbody tr"));
            assertThat(executors).hasSize(2).allSatisfy(row -> assertThat(row.getText()).contains("Active"));
            // Each link opens its own NodeManager's page of its own container (the two NodeManagers run in JVMs of
            // their own: in one JVM, every NodeManager's pages were the last one's).
            List<String> stderrLinks = executors.stream()
                    .map(row -> row.findElement(By.linkText("stderr")).getAttribute("href")).toList();
            assertThat(stderrLinks).allSatisfy(href -> assertThat(href).contains("/node/containerlogs/container_"));
            for (int i = 0; i < stderrLinks.size(); i++) {
                browser.get(stderrLinks.get(i));
                screenshot("5-executor-" + i + "-stderr");
                String container = stderrLinks.get(i).replaceFirst(".*/(container_[^/]+)/.*", "$1");
                assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Logs for " + container);
                assertThat(browser.findElement(By.tagName("body")).getText()).contains("registered with the driver");
            }

            browser.get(proxied + "environment");
            screenshot("6-environment");
            String environment = browser.findElement(By.cssSelector("table.environment")).getText();
            assertThat(environment).contains("spindle.test.password").contains("redacted").doesNotContain(SECRET)
                    .contains("spindle.app.name " + name);
            assertThat(browser.findElement(By.cssSelector("table.runtime")).getText())
                    .as("what the driver in the ApplicationMaster runs on")
                    .contains("Java Version " + Runtime.version().feature()).contains("Hadoop Version 3.");

            // The UI's own address, as the ApplicationMaster registered it.
            URI ui = URI.create(runningApplication(name).getOriginalTrackingUrl());
            assertThat(ui.getScheme()).isEqualTo("http");
            String location = locationOfADirectRequest(ui, "/stages?x=1");
            URI redirect = URI.create(location);
            assertThat(redirect.getPort()).isEqualTo(proxied.getPort());
            assertThat(redirect.getRawPath() + "?" + redirect.getRawQuery()).isEqualTo("/proxy/" + appId
                    + "/stages?x=1");
            browser.get(location);
            screenshot("7-direct-request-redirected");
            assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Stages");
        } finally {
            fs.createNewFile(new org.apache.hadoop.fs.Path("/markers/" + name + "/release"));
        }
        Run done = run.get(5, TimeUnit.MINUTES);
        assertThat(done.exitCode()).as(done.stderr()).isZero();
        assertThat(yarn.getApplicationReport(appId).getOriginalTrackingUrl())
                .as("the link after the end: the history server's page of the application")
                .isEqualTo(history.uri() + "/history/" + appId + "/");

        // The same link, through the proxy, now shows the history server's pages of the application.
        URI proxied = URI.create(cluster.resourceManagerWebUrl() + "/proxy/" + appId + "/");
        browser.get(proxied.toString());
        screenshot("8-history-jobs");
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Jobs");
        assertThat(browser.findElement(By.cssSelector("table.jobs tbody")).getText()).contains("SUCCEEDED")
                .doesNotContain("RUNNING");
        browser.get(proxied + "environment");
        screenshot("9-history-environment");
        assertThat(browser.findElement(By.cssSelector("table.environment")).getText())
                .contains("spindle.app.name " + name).doesNotContain(SECRET);
        assertThat(browser.findElement(By.cssSelector("table.runtime")).getText()).contains("Java Home");
    }

    /**
     * Clicks the UI's menu link {@code page} and waits until the page it leads to, headed {@code page}, is the one
     * shown: a click can return before the navigation it starts has committed.
     */
    private static void openFromTheMenu(String page) {
        browser.findElement(By.linkText(page)).click();
        Awaitility.await("the " + page + " page").atMost(Duration.ofMinutes(1)).ignoreExceptions()
                .until(() -> browser.findElement(By.tagName("h1")).getText().equals(page));
    }

    /**
     * Opens the ResourceManager's page of the application, once the ApplicationMaster has published its UI, and
     * returns the address its tracking link leads to: the proxy's, on the ResourceManager's real web port.
     */
    private static URI trackingUrlOnTheResourceManagersPage(String appId) throws Exception {
        URI rmWeb = URI.create(cluster.resourceManagerWebUrl());
        browser.get(rmWeb + "/cluster/app/" + appId);
        screenshot("1-resourcemanager-application");
        assertThat(browser.getTitle()).contains(appId);
        WebElement link = browser.findElement(By.linkText("ApplicationMaster"));
        URI tracking = URI.create(link.getAttribute("href"));
        assertThat(tracking.getPort()).as("the ResourceManager's real web port").isEqualTo(rmWeb.getPort());
        assertThat(tracking.getPath()).isEqualTo("/proxy/" + appId + "/");
        return tracking;
    }

    /**
     * Sends {@code GET pathAndQuery} to the UI from 127.0.0.2, an address of this machine that is not the proxy's
     * (the proxy sends from the ResourceManager's host, 127.0.0.1 here), and returns the Location of its 302. A raw
     * socket, because the JDK's HttpClient cannot choose the address it sends from on Java 17.
     */
    private static String locationOfADirectRequest(URI ui, String pathAndQuery) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByName(ui.getHost()), ui.getPort(),
                InetAddress.getByName("127.0.0.2"), 0)) {
            socket.getOutputStream().write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + ui.getHost() + ":"
                    + ui.getPort() + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            List<String> head = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1)
                    .lines().takeWhile(line -> !line.isEmpty()).toList();
            assertThat(head.get(0)).as("a direct request's answer").startsWith("HTTP/1.1 302");
            return head.stream().filter(line -> line.regionMatches(true, 0, "Location:", 0, 9))
                    .map(line -> line.substring(9).strip()).findFirst()
                    .orElseThrow(() -> new AssertionError("a 302 without Location: " + head));
        }
    }

    private static void awaitHeld(String name, String marker, CompletableFuture<Run> run) {
        org.apache.hadoop.fs.Path held = new org.apache.hadoop.fs.Path("/markers/" + name + "/" + marker);
        Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                .until(() -> run.isDone() || fs.exists(held));
        assertThat(run).as("the application ended before a task held " + marker).isNotDone();
    }

    private static ApplicationReport runningApplication(String name) throws Exception {
        return yarn.getApplications().stream()
                .filter(a -> a.getName().equals(name) && a.getYarnApplicationState() == YarnApplicationState.RUNNING)
                .findFirst().orElseThrow(() -> new AssertionError("no running application " + name));
    }

    /**
     * Saves what the browser shows as {@code name.png}. A screenshot is a record for a reader, not a check, and
     * chromedriver now and then fails one after a load it has reported complete (in CI once: "timeout from aborted by
     * navigation: Not attached to an active page", on a page with no script that navigates): a failed screenshot is
     * taken again once, and a second failure is reported on stderr instead of failing the test. The assertions after
     * each screenshot read the page itself.
     */
    private static void screenshot(String name) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Path file = browser.getScreenshotAs(OutputType.FILE).toPath();
                Files.copy(file, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
                return;
            } catch (WebDriverException e) {
                String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                System.err.println("WebUiIT: screenshot " + name + ", attempt " + attempt + " of 2, failed: " + reason);
                if (attempt == 2) {
                    return;
                }
            }
        }
    }
}
