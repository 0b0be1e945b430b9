package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.api.ApiErrors;
import dev.transformerlambda.api.HttpApiHandler;
import dev.transformerlambda.api.RequestTelemetry;
import dev.transformerlambda.cli.Main;
import dev.transformerlambda.cli.SubmitCommand;
import dev.transformerlambda.serving.ServingConfig;
import dev.transformerlambda.serving.ServingMetrics;
import io.smallrye.config.WithName;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** What a reviewer of the SAM and CloudFormation templates checks, checked on every build. */
class TemplatesTest {

    static final Path SAM = Path.of("template.yaml");
    static final Path BATCH = Path.of("infra/batch.yaml");
    private static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::AccountId", "AWS::NoValue", "AWS::Partition",
            "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix", "AWS::NotificationARNs");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");
    /** Lambda's metrics the template may name, by function (Init duration is no metric). */
    private static final String LAMBDA_FUNCTION_NAME = "FunctionName";
    private static final Set<Metric> LAMBDA_METRICS = Stream.of("Errors", "Throttles", "Duration", "Invocations",
            "ConcurrentExecutions").map(name -> new Metric("AWS/Lambda", name, Set.of(LAMBDA_FUNCTION_NAME)))
            .collect(Collectors.toSet());

    static Stream<Path> templates() throws IOException {
        try (Stream<Path> infra = Files.list(Path.of("infra"))) {
            return Stream.concat(Stream.of(SAM), infra.filter(p -> p.toString().endsWith(".yaml")).toList().stream());
        }
    }

    @ParameterizedTest
    @MethodSource("templates")
    void parsesWithShortFormTagsAndHasResources(Path file) throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(file);

        assertEquals("2010-09-09", String.valueOf(template.root().get("AWSTemplateFormatVersion")));
        assertFalse(template.resources().isEmpty());
        template.resources().forEach((name, resource) ->
                assertNotNull(((Map<?, ?>) resource).get("Type"), name + " has no Type"));
    }

    @ParameterizedTest
    @MethodSource("templates")
    void everyRefGetAttAndSubVariableNamesSomethingThatExists(Path file) throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(file);
        Set<String> names = new HashSet<>(template.resources().keySet());
        names.addAll(template.section("Parameters").keySet());
        names.addAll(PSEUDO_PARAMETERS);
        List<String> dangling = new ArrayList<>();
        template.visitMaps(map -> {
            if (map.get("Ref") instanceof String ref && !names.contains(samReference(ref))) {
                dangling.add("Ref " + ref);
            }
            if (map.get("Fn::GetAtt") instanceof List<?> getAtt && !names.contains(getAtt.get(0).toString())) {
                dangling.add("GetAtt " + getAtt);
            }
            Object sub = map.get("Fn::Sub");
            if (sub instanceof String text) {
                Matcher variables = SUB_VARIABLE.matcher(text);
                while (variables.find()) {
                    String variable = variables.group(1).split("\\.")[0];
                    if (!names.contains(variable) && !names.contains(variables.group(1))) {
                        dangling.add("Sub ${" + variables.group(1) + "}");
                    }
                }
            }
        });
        assertEquals(List.of(), dangling, file + " refers to what it does not define");
    }

    @ParameterizedTest
    @MethodSource("templates")
    void everyParameterIsUsed(Path file) throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(file);
        String text = Files.readString(file);
        for (String parameter : template.section("Parameters").keySet()) {
            long uses = Pattern.compile("\\b" + parameter + "\\b").matcher(text).results().count();
            assertTrue(uses > 1, parameter + " is declared in " + file + " but never used");
        }
    }

    @ParameterizedTest
    @MethodSource("templates")
    void iamStatementsAllowNoWildcardActionsOrResources(Path file) throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(file);
        List<String> tooBroad = new ArrayList<>();
        template.visitMaps(map -> {
            if (!"Allow".equals(map.get("Effect"))) {
                return;
            }
            for (Object action : asList(map.get("Action"))) {
                if (action.toString().equals("*") || action.toString().endsWith(":*")) {
                    tooBroad.add("Action " + action);
                }
            }
            for (Object resource : asList(map.get("Resource"))) {
                String text = resource.toString();
                if (text.equals("*") || text.matches(".*:::\\*.*") || text.endsWith(":s3:::*")) {
                    tooBroad.add("Resource " + text);
                }
            }
        });
        assertEquals(List.of(), tooBroad, file + " grants more than the product needs");
    }

    @Test
    void theFunctionsEnvironmentNamesAreConfigurationKeysTheCodeReads() throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(SAM);
        Map<?, ?> variables = (Map<?, ?>) ((Map<?, ?>) template.properties("ClassifierFunction").get("Environment"))
                .get("Variables");
        Set<String> keys = configurationKeys(ServingConfig.class, "classifier");
        Set<String> environmentNames = new TreeSet<>();
        keys.forEach(key -> environmentNames.add(key.toUpperCase(Locale.ROOT).replaceAll("[.-]", "_")));
        for (Object name : variables.keySet()) {
            assertTrue(environmentNames.contains(name.toString()), name + " is not one of " + environmentNames);
        }
        assertTrue(variables.containsKey("CLASSIFIER_MODEL_URI"), "the model URI is required");
    }

    @Test
    void theJobDefinitionsCommandsUseOnlyRealOptions() throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(BATCH);
        List<String> definitions = template.resourcesOfType("AWS::Batch::JobDefinition");
        assertEquals(List.of("JobDefinition", "CpuJobDefinition", "ScoringJobDefinition", "GpuScoringJobDefinition"),
                definitions);
        for (String definition : definitions) {
            Map<?, ?> container = (Map<?, ?>) template.properties(definition).get("ContainerProperties");
            List<?> command = (List<?>) container.get("Command");
            String subcommand = definition.contains("Scoring") ? "score" : "train";
            assertEquals(subcommand, command.get(0));
            CommandLine line = Main.commandLine().getSubcommands().get(subcommand);
            for (Object word : command.subList(1, command.size())) {
                String argument = word.toString();
                if (argument.startsWith("--")) {
                    assertNotNull(line.getCommandSpec().findOption(argument), definition + ": " + argument
                            + " is not a " + subcommand + " option");
                }
            }
            if (subcommand.equals("score")) {
                continue; // submit-scoring sets the whole command; a retried child resumes without checkpoints
            }
            assertTrue(command.contains("--checkpoint"), definition + ": a Spot retry would start over: " + command);
            // The placeholders' defaults exist in Parameters.
            Map<?, ?> parameters = (Map<?, ?>) template.properties(definition).get("Parameters");
            command.stream().map(Object::toString).filter(w -> w.startsWith("Ref::"))
                    .forEach(w -> assertTrue(parameters.containsKey(w.substring(5)), definition + ": " + w + " has no default"));
        }
    }

    /**
     * submit --gpus 0 needs a queue whose instances have no GPU and a job definition that reserves
     * none (a request cannot take a definition's GPU away), under the names submit defaults to.
     */
    @Test
    void cpuJobsHaveTheirOwnQueueOnInstancesWithoutGpusAndADefinitionReservingNone() throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(BATCH);
        assertTrue(resourceTypes(template, "JobDefinition").contains("GPU"));
        assertEquals(Set.of("VCPU", "MEMORY"), resourceTypes(template, "CpuJobDefinition"));
        assertEquals(Map.of("Ref", "CpuComputeEnvironment"), computeEnvironmentOf(template, "CpuJobQueue"));
        assertEquals(Map.of("Ref", "ComputeEnvironment"), computeEnvironmentOf(template, "JobQueue"));
        String cpu = template.properties("CpuComputeEnvironment").toString();
        assertTrue(cpu.contains("ImageType=ECS_AL2023}"), "the AMI without NVIDIA drivers: " + cpu);
        assertTrue(cpu.contains("InstanceTypes={Ref=CpuInstanceTypes}"), cpu);
        assertTrue(cpu.contains("MinvCpus=0"), "scales to zero when idle: " + cpu);
        Object cpuTypes = ((Map<?, ?>) template.section("Parameters").get("CpuInstanceTypes")).get("Default");
        for (String type : cpuTypes.toString().split(",")) {
            // g (graphics), p (GPU compute), inf/trn (accelerators): none of these for CPU jobs.
            assertFalse(type.matches("(g|p|inf|trn|dl)\\d.*"), type + " is an accelerated instance type");
        }
        // The names submit uses when neither an option nor the environment names a queue or definition.
        assertEquals(SubmitCommand.DEFAULT_NAME, nameFor(template, "JobQueue", "JobQueueName"));
        assertEquals(SubmitCommand.DEFAULT_NAME, nameFor(template, "JobDefinition", "JobDefinitionName"));
        assertEquals(SubmitCommand.DEFAULT_CPU_NAME, nameFor(template, "CpuJobQueue", "JobQueueName"));
        assertEquals(SubmitCommand.DEFAULT_CPU_NAME, nameFor(template, "CpuJobDefinition", "JobDefinitionName"));
        assertTrue(template.section("Outputs").keySet().containsAll(List.of("CpuJobQueue", "CpuJobDefinition")));
        String deploy = Files.readString(Path.of("scripts/deploy"));
        assertTrue(deploy.contains("TRAINING_CPU_JOB_QUEUE=$(output \"$batch_stack\" CpuJobQueue)")
                && deploy.contains("TRAINING_CPU_JOB_DEFINITION=$(output \"$batch_stack\" CpuJobDefinition)"),
                "scripts/deploy prints what submit --gpus 0 reads");
    }

    /**
     * A browser page on another origin can call the API only where the deployer names that origin;
     * then API Gateway answers the preflight (before any authorizer) for every method the handler
     * answers, and lets the page read the headers the API adds.
     */
    @Test
    void corsFollowsTheAllowedOriginsParameterAndCoversEveryMethodAndHeaderTheApiUses() throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(SAM);
        Map<?, ?> parameter = (Map<?, ?>) template.section("Parameters").get("CorsAllowedOrigins");
        assertEquals("CommaDelimitedList", parameter.get("Type"));
        assertEquals("", parameter.get("Default"), "no other origin unless the deployer names one");
        List<?> ifOrigins = (List<?>) ((Map<?, ?>) template.properties("HttpApi").get("CorsConfiguration")).get("Fn::If");
        assertTrue(template.section("Conditions").get(ifOrigins.get(0)).toString().contains("Ref=CorsAllowedOrigins"),
                "CORS is on only when the parameter names origins");
        assertEquals(Map.of("Ref", "AWS::NoValue"), ifOrigins.get(2));

        Map<?, ?> cors = (Map<?, ?>) ifOrigins.get(1);
        assertEquals(Map.of("Ref", "CorsAllowedOrigins"), cors.get("AllowOrigins"));
        Set<String> answered = new TreeSet<>(HttpApiHandler.ROUTES.values());
        answered.addAll(List.of("HEAD", "OPTIONS"));
        assertEquals(answered, lowerCased(cors.get("AllowMethods")).stream().map(m -> m.toUpperCase(Locale.ROOT))
                .collect(Collectors.toCollection(TreeSet::new)));
        assertTrue(lowerCased(cors.get("AllowHeaders")).contains("content-type"), "a JSON body needs a preflight");
        assertTrue(lowerCased(cors.get("ExposeHeaders")).containsAll(
                List.of(RequestTelemetry.VERSION_HEADER.toLowerCase(Locale.ROOT), "server-timing")), cors.toString());
    }

    private static Set<String> lowerCased(Object list) {
        return asList(list).stream().map(v -> v.toString().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }

    @Test
    void theModelBucketIsVersionedEncryptedPrivateAndTlsOnly() throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(SAM);
        Map<String, Object> bucket = template.properties("ModelBucket");
        assertEquals("Enabled", ((Map<?, ?>) bucket.get("VersioningConfiguration")).get("Status"));
        assertNotNull(bucket.get("BucketEncryption"));
        Map<?, ?> block = (Map<?, ?>) bucket.get("PublicAccessBlockConfiguration");
        for (String setting : List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")) {
            assertEquals(true, block.get(setting), setting);
        }
        String policy = template.properties("ModelBucketPolicy").toString();
        assertTrue(policy.contains("Effect=Deny") && policy.contains("aws:SecureTransport=false"), policy);
    }

    @Test
    void theFunctionShipsAsAnImageWithItsDockerfileAndLogsWithRetention() throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(SAM);
        assertEquals("Image", template.properties("ClassifierFunction").get("PackageType"));
        Map<?, ?> metadata = (Map<?, ?>) ((Map<?, ?>) template.resources().get("ClassifierFunction")).get("Metadata");
        assertTrue(Files.isRegularFile(Path.of(metadata.get("Dockerfile").toString())), "the Dockerfile exists");
        for (CloudFormationTemplate t : List.of(template, CloudFormationTemplate.read(BATCH))) {
            for (String logGroup : t.resourcesOfType("AWS::Logs::LogGroup")) {
                assertNotNull(t.properties(logGroup).get("RetentionInDays"), logGroup + " keeps logs forever");
            }
        }
        assertTrue(template.section("Outputs").keySet().containsAll(List.of("ApiUrl", "ModelBucketName")));
    }

    @Test
    void batchRetriesOnlySpotReclamationAndRunsOnTheGpuAmi() throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(BATCH);
        for (String definition : template.resourcesOfType("AWS::Batch::JobDefinition")) {
            String retry = template.properties(definition).get("RetryStrategy").toString();
            assertTrue(retry.contains("OnStatusReason=Host EC2*, Action=RETRY"), definition + ": " + retry);
            assertTrue(retry.contains("OnReason=*, Action=EXIT"), definition + ": " + retry);
            assertNotNull(template.properties(definition).get("Timeout"), definition);
        }
        String compute = template.properties("ComputeEnvironment").toString();
        assertTrue(compute.contains("ImageType=ECS_AL2023_NVIDIA"), compute);
        assertTrue(compute.contains("MinvCpus=0"), "scales to zero when idle: " + compute);
    }

    @ParameterizedTest
    @MethodSource("templates")
    void lowerCaseNamesComeFromParametersThatOnlyAllowLowerCase(Path file) throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(file);
        Map<String, String> lowerCaseNames = Map.of("AWS::ECR::Repository", "RepositoryName",
                "AWS::S3::Bucket", "BucketName");
        for (String resource : template.resources().keySet()) {
            String property = lowerCaseNames.get(template.type(resource));
            Object name = property == null ? null : template.properties(resource).get(property);
            if (name == null) {
                continue; // none, or CloudFormation generates one
            }
            assertFalse(name.toString().contains("AWS::StackName"),
                    resource + "." + property + " comes from the stack name, which may have capitals: " + name);
            for (Map.Entry<String, Object> parameter : template.section("Parameters").entrySet()) {
                if (name.toString().contains("Ref=" + parameter.getKey() + "}")
                        || name.toString().contains("${" + parameter.getKey() + "}")) {
                    Object allowed = ((Map<?, ?>) parameter.getValue()).get("AllowedPattern");
                    assertNotNull(allowed, parameter.getKey() + " takes any name for " + resource);
                    Pattern pattern = Pattern.compile(allowed.toString());
                    assertFalse(pattern.matcher("My-Classifier-batch").matches(), parameter.getKey() + ": " + allowed);
                    assertTrue(pattern.matcher("my-classifier-batch").matches(), parameter.getKey() + ": " + allowed);
                }
            }
        }
    }

    @Test
    void batchJobsLogToTheStacksOwnLogGroups() throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(BATCH);
        for (String definition : template.resourcesOfType("AWS::Batch::JobDefinition")) {
            Map<?, ?> container = (Map<?, ?>) template.properties(definition).get("ContainerProperties");
            Map<?, ?> logs = (Map<?, ?>) container.get("LogConfiguration");
            assertEquals("awslogs", logs.get("LogDriver"), definition);
            Object group = ((Map<?, ?>) logs.get("Options")).get("awslogs-group");
            String own = definition.contains("Scoring") ? "ScoringLogGroup" : "TrainingLogGroup";
            assertEquals(Map.of("Ref", own), group,
                    definition + ": scripts/follow-job reads the group from the job (transformer-lambda status)");
        }
        assertEquals("AWS::Logs::LogGroup", template.type("TrainingLogGroup"));
        assertEquals("AWS::Logs::LogGroup", template.type("ScoringLogGroup"));
    }

    /**
     * Every metric the alarms and the dashboard name is one the function writes, by the dimensions
     * it writes it with, found by having {@link ServingMetrics} write each kind of line; Lambda's
     * own metrics by FunctionName. Renaming a metric, a dimension or the namespace on either side
     * alone fails here.
     */
    @Test
    void alarmsAndTheDashboardNameOnlyMetricsTheFunctionWritesByTheDimensionsItWritesThemWith() throws Exception {
        Set<Metric> written = metricsTheFunctionWrites();
        Map<String, Set<String>> values = Map.of(
                ServingMetrics.MODEL, Set.of("${ModelName}"),
                ServingMetrics.RESULT, Set.of(ServingMetrics.FAILED),
                ServingMetrics.ERROR_CODE, errorCodesOfTheFunctionsOwnFailures(),
                LAMBDA_FUNCTION_NAME, Set.of("${ClassifierFunction}"));
        List<MetricReference> references = MetricReference.in(CloudFormationTemplate.read(SAM));
        assertFalse(references.isEmpty());
        List<String> wrong = new ArrayList<>();
        for (MetricReference reference : references) {
            Metric metric = new Metric(reference.namespace(), reference.name(), reference.dimensions().keySet());
            if (reference.name() == null) {
                wrong.add(reference.where() + ": a SEARCH without MetricName=\"...\"");
            } else if (reference.namespace().equals(ServingMetrics.NAMESPACE) ? !written.contains(metric)
                    : !LAMBDA_METRICS.contains(metric)) {
                wrong.add(reference.where() + ": " + metric + " is not written");
            }
            reference.dimensions().forEach((name, value) -> {
                Set<String> known = values.get(name);
                if (value != null && (known == null || !known.contains(value))) {
                    wrong.add(reference.where() + ": " + name + "=" + value + (known == null
                            ? ": no value of " + name + " is known here; SEARCH over it instead" : " is none of " + known));
                }
            });
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong) + "\nServingMetrics writes "
                + new TreeSet<>(written.stream().map(Metric::toString).toList()));
    }

    /** The dashboard shows every metric the function writes, so a new one is not left out. */
    @Test
    void theDashboardShowsEveryMetricTheFunctionWrites() throws Exception {
        CloudFormationTemplate template = CloudFormationTemplate.read(SAM);
        Set<String> shown = new TreeSet<>();
        MetricReference.in(template).stream().filter(r -> r.widget() != null).forEach(r -> shown.add(r.name()));
        Set<String> written = new TreeSet<>();
        metricsTheFunctionWrites().forEach(metric -> written.add(metric.name()));
        written.removeAll(shown);
        assertEquals(Set.of(), written, "written by the function, not on the dashboard");
        assertTrue(shown.containsAll(List.of("Duration", "Errors", "Throttles", "ConcurrentExecutions")), shown.toString());
        assertTrue(template.section("Outputs").containsKey("DashboardUrl"));
    }

    @Test
    void alarmsWatchLambdaErrorsThrottlesP99DurationAndFailedReloadsAndNotifyOnlyAGivenTopic() throws Exception {
        CloudFormationTemplate template = CloudFormationTemplate.read(SAM);
        List<MetricReference> alarmed = MetricReference.in(template).stream().filter(r -> r.widget() == null).toList();
        Map<String, Object> errors = alarmOn(template, alarmed, "AWS/Lambda", "Errors", Map.of());
        assertEquals("Sum", errors.get("Statistic"));
        assertEquals(0, errors.get("Threshold"));
        alarmOn(template, alarmed, "AWS/Lambda", "Throttles", Map.of());
        Map<String, Object> duration = alarmOn(template, alarmed, "AWS/Lambda", "Duration", Map.of());
        assertEquals("p99", duration.get("ExtendedStatistic"));
        assertEquals(Map.of("Ref", "LatencyAlarmThresholdMs"), duration.get("Threshold"));
        Map<String, Object> reloads = alarmOn(template, alarmed, ServingMetrics.NAMESPACE, ServingMetrics.RELOAD_CHECKS,
                Map.of(ServingMetrics.RESULT, ServingMetrics.FAILED));
        assertEquals("notBreaching", reloads.get("TreatMissingData"), "no requests, no checks: no failure either");
        assertTrue((Integer) reloads.get("DatapointsToAlarm") > 1, "one failed check is tried again: " + reloads);

        Map<?, ?> topic = (Map<?, ?>) template.section("Parameters").get("AlarmTopicArn");
        assertEquals("", topic.get("Default"));
        assertEquals(Map.of("Fn::Not", List.of(Map.of("Fn::Equals", List.of(Map.of("Ref", "AlarmTopicArn"), "")))),
                template.section("Conditions").get("HasAlarmTopic"));
        Object notify = Map.of("Fn::If", List.of("HasAlarmTopic", List.of(Map.of("Ref", "AlarmTopicArn")),
                Map.of("Ref", "AWS::NoValue")));
        for (String alarm : template.resourcesOfType("AWS::CloudWatch::Alarm")) {
            assertEquals(notify, template.properties(alarm).get("AlarmActions"), alarm);
            assertEquals(notify, template.properties(alarm).get("OKActions"), alarm);
        }
    }

    /** SAM gives the role it generates X-Ray's write policy for Tracing: Active; a role of our own would not get it. */
    @Test
    void theFunctionTracesWithXRayThroughTheRoleSamGenerates() throws IOException {
        CloudFormationTemplate template = CloudFormationTemplate.read(SAM);
        Map<?, ?> globals = (Map<?, ?>) template.section("Globals").get("Function");
        assertEquals("Active", globals.get("Tracing"));
        Map<String, Object> function = template.properties("ClassifierFunction");
        assertFalse(function.containsKey("Role"), "SAM adds AWSXrayWriteOnlyAccess only to the role it generates");
        assertFalse(function.containsKey("Tracing"), "Globals' Tracing: Active stands");
    }

    /** A metric as CloudWatch keys it: namespace, name, and the set of its dimensions' names. */
    private record Metric(String namespace, String name, Set<String> dimensions) {
        Metric {
            dimensions = new TreeSet<>(dimensions);
        }

        @Override
        public String toString() {
            return namespace + " " + name + " " + dimensions;
        }
    }

    /** What ServingMetrics writes, each kind of line once: every metric of a line by each of its dimension sets. */
    private static Set<Metric> metricsTheFunctionWrites() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ServingMetrics metrics = new ServingMetrics("sst2", new PrintStream(out, true, StandardCharsets.UTF_8));
        metrics.request("v1", 2, 4.0, 5.0, null);
        metrics.request("v1", 0, Double.NaN, 1.0, "invalid_request");
        metrics.request(null, 0, Double.NaN, 1.0, "model_unavailable");
        metrics.reloadCheck("unchanged", null);
        metrics.reloadCheck(ServingMetrics.FAILED, "SdkClientException");
        metrics.loaded("v1", new ServingMetrics.LoadTimes(1, 2, 3, 4), true, 5);
        Set<Metric> written = new HashSet<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            for (JsonNode directive : json.readTree(line).path("_aws").path("CloudWatchMetrics")) {
                for (JsonNode dimensionSet : directive.path("Dimensions")) {
                    Set<String> dimensions = new HashSet<>();
                    dimensionSet.forEach(name -> dimensions.add(name.asText()));
                    for (JsonNode metric : directive.path("Metrics")) {
                        written.add(new Metric(directive.path("Namespace").asText(), metric.path("Name").asText(), dimensions));
                    }
                }
            }
        }
        return written;
    }

    /** The codes the API answers its own failures with (a 5xx), as ApiErrors writes them. */
    private static Set<String> errorCodesOfTheFunctionsOwnFailures() {
        return Set.of(ApiErrors.INTERNAL, ApiErrors.MODEL_UNAVAILABLE);
    }

    /** The properties of the one alarm on {@code name}, with {@code values} among its dimensions. */
    private static Map<String, Object> alarmOn(CloudFormationTemplate template, List<MetricReference> alarmed,
            String namespace, String name, Map<String, String> values) {
        List<String> alarms = alarmed.stream()
                .filter(r -> r.namespace().equals(namespace) && name.equals(r.name())
                        && r.dimensions().entrySet().containsAll(values.entrySet()))
                .map(MetricReference::resource).distinct().toList();
        assertEquals(1, alarms.size(), "one alarm on " + namespace + " " + name + " " + values + ": " + alarms);
        return template.properties(alarms.get(0));
    }

    /**
     * The batch stack scripts/deploy creates names its queues, job definitions and log groups so that
     * none says a word twice (my-classifier-training-training once did), and the log group the
     * deploying guide tells people to read is the one training jobs write to.
     */
    @Test
    void batchNamesOfADeployedStackSayEachWordOnceAndTheGuideNamesTheTrainingLogGroup() throws IOException {
        Matcher suffix = Pattern.compile("batch_stack=\"\\$stack-([a-z-]+)\"").matcher(Files.readString(Path.of("scripts/deploy")));
        assertTrue(suffix.find(), "scripts/deploy names the batch stack STACK-suffix");
        String stack = "my-classifier-" + suffix.group(1);
        CloudFormationTemplate template = CloudFormationTemplate.read(BATCH);
        List<String> names = new ArrayList<>();
        for (String resource : template.resources().keySet()) {
            for (Object value : template.properties(resource).values()) {
                if (value instanceof Map<?, ?> map && map.get("Fn::Sub") instanceof String sub && sub.contains("${AWS::StackName}")
                        && !sub.contains("arn:")) {
                    names.add(sub.replace("${AWS::StackName}", stack));
                }
            }
        }
        assertTrue(names.contains("/aws/batch/" + stack + "-training"), names.toString());
        for (String name : names) {
            List<String> words = List.of(name.replaceFirst("^/aws/batch/", "").split("-"));
            assertEquals(words.size(), new HashSet<>(words).size(), name + " says a word twice");
        }
        assertTrue(Files.readString(Path.of("docs/deploying.md")).contains("`/aws/batch/" + stack + "-training`"),
                "docs/deploying.md names the training log group /aws/batch/" + stack + "-training");
    }

    /** A name the template builds from the stack name, for a batch stack called transformer-lambda. */
    private static String nameFor(CloudFormationTemplate template, String resource, String property) {
        Object name = ((Map<?, ?>) template.properties(resource).get(property)).get("Fn::Sub");
        return name.toString().replace("${AWS::StackName}", "transformer-lambda");
    }

    private static Set<String> resourceTypes(CloudFormationTemplate template, String definition) {
        Map<?, ?> container = (Map<?, ?>) template.properties(definition).get("ContainerProperties");
        Set<String> types = new HashSet<>();
        for (Object requirement : (List<?>) container.get("ResourceRequirements")) {
            types.add(((Map<?, ?>) requirement).get("Type").toString());
        }
        return types;
    }

    private static Object computeEnvironmentOf(CloudFormationTemplate template, String queue) {
        List<?> order = (List<?>) template.properties(queue).get("ComputeEnvironmentOrder");
        assertEquals(1, order.size(), queue);
        return ((Map<?, ?>) order.get(0)).get("ComputeEnvironment");
    }

    /** SAM lets {@code !Ref Function.Alias} name the alias it generates. */
    private static String samReference(String ref) {
        return ref.endsWith(".Alias") || ref.endsWith(".Version") ? ref.substring(0, ref.lastIndexOf('.')) : ref;
    }

    private static List<?> asList(Object value) {
        return value == null ? List.of() : value instanceof List<?> list ? list : List.of(value);
    }

    /** The keys a @ConfigMapping interface reads: method names in kebab case, nested groups prefixed. */
    private static Set<String> configurationKeys(Class<?> mapping, String prefix) {
        Set<String> keys = new TreeSet<>();
        for (Method method : mapping.getDeclaredMethods()) {
            WithName withName = method.getAnnotation(WithName.class);
            String name = withName != null ? withName.value()
                    : method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getEnclosingClass() == mapping) {
                keys.addAll(configurationKeys(type, prefix + "." + name));
            } else {
                keys.add(prefix + "." + name);
            }
        }
        return keys;
    }
}
