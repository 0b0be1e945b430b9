package dev.transformerlambda.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.transformerlambda.aws.AwsCli;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * infra/batch.yaml's AWS Batch resources created through a Batch API (moto's, in tests), from the
 * template's own properties: what CloudFormation would send, for a stack called transformer-lambda.
 * moto's CloudFormation cannot deploy the template (it wants a compute environment ServiceRole, which
 * AWS does not), so this does the part that matters here: each compute environment, job queue and job
 * definition goes through CreateComputeEnvironment, CreateJobQueue and RegisterJobDefinition, which
 * validate names, states, instance types and resource requirements. What those name outside Batch
 * (the VPC and subnets, the security group, roles, the instance profile) is created first through
 * the same server's EC2 and IAM APIs; the log group and repository only lend their names.
 */
public final class BatchStack {

    public static final String STACK_NAME = "transformer-lambda";
    private static final String ACCOUNT = "123456789012";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}!]+)}");
    /** The order CloudFormation's dependencies put them in; a type not listed fails, so a new one is noticed. */
    private static final List<String> TYPES = List.of("AWS::EC2::SecurityGroup", "AWS::IAM::Role",
            "AWS::IAM::InstanceProfile", "AWS::Logs::LogGroup", "AWS::ECR::Repository", "AWS::Batch::ComputeEnvironment",
            "AWS::Batch::JobQueue", "AWS::Batch::JobDefinition");
    /** Maps whose keys are the user's (job parameters, log options, tags), not property names. */
    private static final Set<String> FREE_FORM = Set.of("Parameters", "Options", "Tags");
    private static final Set<String> INTEGERS = Set.of("minvCpus", "maxvCpus", "desiredvCpus", "priority", "order",
            "attempts", "attemptDurationSeconds");

    private final AwsCli aws;
    private final CloudFormationTemplate template;
    private final Map<String, Object> parameters = new HashMap<>();
    private final Map<String, Object> refs = new HashMap<>();
    private final Map<String, String> arns = new HashMap<>();

    private BatchStack(AwsCli aws, CloudFormationTemplate template) {
        this.aws = aws;
        this.template = template;
    }

    /** Creates the template's resources; returns the stack, whose {@link #ref} gives their ARNs. */
    public static BatchStack create(AwsCli aws) throws IOException, InterruptedException {
        BatchStack stack = new BatchStack(aws, CloudFormationTemplate.read(TemplatesTest.BATCH));
        stack.createAll();
        return stack;
    }

    /** What {@code !Ref} of the resource gives: the ARN of a compute environment, job queue or job definition. */
    public String ref(String logicalId) {
        Object value = refs.get(logicalId);
        if (value == null) {
            fail(logicalId + " was not created");
        }
        return value.toString();
    }

    private void createAll() throws IOException, InterruptedException {
        String vpc = aws.json("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16").at("/Vpc/VpcId").asText();
        String subnet = aws.json("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.0.1.0/24")
                .at("/Subnet/SubnetId").asText();
        Map<String, Object> given = Map.of("VpcId", vpc, "SubnetIds", List.of(subnet), "ModelBucketName", "models",
                "DataBucketName", "data", "RepositoryName", STACK_NAME);
        template.section("Parameters").forEach((name, declaration) -> {
            Map<?, ?> parameter = (Map<?, ?>) declaration;
            Object value = given.containsKey(name) ? given.get(name) : parameter.get("Default");
            if (value == null) {
                fail("parameter " + name + " has no default and the test gives it no value");
            }
            boolean list = parameter.get("Type").toString().startsWith("List<")
                    || parameter.get("Type").equals("CommaDelimitedList");
            parameters.put(name, list && value instanceof String text ? List.of(text.split(",")) : value);
        });
        for (String resource : template.resources().keySet()) {
            if (!TYPES.contains(template.type(resource))) {
                fail(TemplatesTest.BATCH + ": the test does not create " + template.type(resource) + " (" + resource + ")");
            }
        }
        for (String type : TYPES) {
            for (String resource : template.resourcesOfType(type)) {
                create(resource, type);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void create(String resource, String type) throws IOException, InterruptedException {
        Map<String, Object> properties = (Map<String, Object>) resolve(template.properties(resource));
        switch (type) {
            case "AWS::EC2::SecurityGroup" -> refs.put(resource, aws.json("ec2", "create-security-group",
                    "--group-name", resource, "--description", properties.get("GroupDescription").toString(),
                    "--vpc-id", properties.get("VpcId").toString()).get("GroupId").asText());
            case "AWS::IAM::Role" -> {
                JsonNode role = aws.json("iam", "create-role", "--role-name", resource, "--assume-role-policy-document",
                        JSON.writeValueAsString(properties.get("AssumeRolePolicyDocument")));
                refs.put(resource, resource);
                arns.put(resource, role.at("/Role/Arn").asText());
            }
            case "AWS::IAM::InstanceProfile" -> {
                JsonNode profile = aws.json("iam", "create-instance-profile", "--instance-profile-name", resource);
                for (Object role : (List<?>) properties.get("Roles")) {
                    aws.run("iam", "add-role-to-instance-profile", "--instance-profile-name", resource,
                            "--role-name", role.toString());
                }
                refs.put(resource, resource);
                arns.put(resource, profile.at("/InstanceProfile/Arn").asText());
            }
            case "AWS::Logs::LogGroup" -> refs.put(resource, properties.get("LogGroupName"));
            case "AWS::ECR::Repository" -> refs.put(resource, properties.get("RepositoryName"));
            case "AWS::Batch::ComputeEnvironment" -> {
                Map<String, Object> request = apiShape(properties);
                // CloudFormation names it after the stack; Batch's service-linked role needs no ServiceRole
                // on AWS, but moto insists on one.
                request.putIfAbsent("computeEnvironmentName", STACK_NAME + "-" + resource);
                request.put("serviceRole", serviceRole());
                refs.put(resource, batch("create-compute-environment", request).get("computeEnvironmentArn").asText());
            }
            case "AWS::Batch::JobQueue" ->
                    refs.put(resource, batch("create-job-queue", apiShape(properties)).get("jobQueueArn").asText());
            case "AWS::Batch::JobDefinition" ->
                    refs.put(resource, batch("register-job-definition", apiShape(properties)).get("jobDefinitionArn").asText());
            default -> fail("no way to create " + type);
        }
    }

    private JsonNode batch(String operation, Map<String, Object> request) throws IOException, InterruptedException {
        return aws.json("batch", operation, "--cli-input-json", JSON.writeValueAsString(request));
    }

    private String serviceRole() throws IOException, InterruptedException {
        String name = "moto-batch-service-role";
        if (!arns.containsKey(name)) {
            arns.put(name, aws.json("iam", "create-role", "--role-name", name, "--assume-role-policy-document",
                    "{\"Version\": \"2012-10-17\", \"Statement\": []}").at("/Role/Arn").asText());
        }
        return arns.get(name);
    }

    /** CloudFormation's property names (PascalCase) as the API's (camelCase), with the API's types. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> apiShape(Map<String, Object> properties) {
        Map<String, Object> shaped = new LinkedHashMap<>();
        properties.forEach((name, value) -> {
            String apiName = Character.toLowerCase(name.charAt(0)) + name.substring(1);
            Object apiValue = FREE_FORM.contains(name) ? value
                    : value instanceof Map<?, ?> map ? apiShape((Map<String, Object>) map)
                    : value instanceof List<?> list ? list.stream()
                            .map(item -> item instanceof Map<?, ?> m ? apiShape((Map<String, Object>) m) : item).toList()
                    : value;
            if (INTEGERS.contains(apiName)) {
                apiValue = Integer.valueOf(apiValue.toString());
            } else if (apiName.equals("value")) {
                apiValue = apiValue.toString();
            }
            shaped.put(apiName, apiValue);
        });
        return shaped;
    }

    /** The template's intrinsic functions, resolved: Ref, Fn::GetAtt, Fn::Sub, Fn::If. */
    private Object resolve(Object node) {
        if (node instanceof Map<?, ?> map) {
            if (map.size() == 1) {
                String key = map.keySet().iterator().next().toString();
                Object argument = map.get(key);
                switch (key) {
                    case "Ref" -> {
                        return reference(argument.toString());
                    }
                    case "Fn::GetAtt" -> {
                        List<?> target = (List<?>) argument;
                        return attribute(target.get(0) + "." + target.get(1));
                    }
                    case "Fn::Sub" -> {
                        return substitute(argument.toString());
                    }
                    case "Fn::If" -> {
                        List<?> branches = (List<?>) argument;
                        return resolve(condition(branches.get(0).toString()) ? branches.get(1) : branches.get(2));
                    }
                    default -> {
                        if (key.startsWith("Fn::")) {
                            fail("the test cannot resolve " + key + " in " + TemplatesTest.BATCH);
                        }
                    }
                }
            }
            Map<String, Object> resolved = new LinkedHashMap<>();
            map.forEach((key, value) -> resolved.put(key.toString(), resolve(value)));
            return resolved;
        }
        if (node instanceof List<?> list) {
            List<Object> resolved = new ArrayList<>();
            list.forEach(item -> resolved.add(resolve(item)));
            return resolved;
        }
        return node;
    }

    private Object reference(String name) {
        Object value = switch (name) {
            case "AWS::StackName" -> STACK_NAME;
            case "AWS::AccountId" -> ACCOUNT;
            case "AWS::Region" -> AwsCli.REGION;
            case "AWS::Partition" -> "aws";
            case "AWS::URLSuffix" -> "amazonaws.com";
            default -> parameters.containsKey(name) ? parameters.get(name) : refs.get(name);
        };
        if (value == null) {
            fail("Ref " + name + ": not a parameter, or a resource not created yet");
        }
        return value;
    }

    private String attribute(String dotted) {
        String value = arns.get(dotted.substring(0, dotted.indexOf('.')));
        if (value == null || !dotted.endsWith(".Arn")) {
            fail("GetAtt " + dotted + ": the test knows only the Arn of roles and instance profiles created before");
        }
        return value;
    }

    private String substitute(String text) {
        Matcher variables = SUB_VARIABLE.matcher(text);
        StringBuilder resolved = new StringBuilder();
        while (variables.find()) {
            String variable = variables.group(1);
            String value = variable.contains(".") && !variable.startsWith("AWS::")
                    ? attribute(variable) : reference(variable).toString();
            variables.appendReplacement(resolved, Matcher.quoteReplacement(value));
        }
        variables.appendTail(resolved);
        return resolved.toString();
    }

    private boolean condition(String name) {
        Map<?, ?> definition = (Map<?, ?>) template.section("Conditions").get(name);
        if (definition == null || !definition.containsKey("Fn::Equals")) {
            return fail("condition " + name + ": the test resolves Fn::Equals only");
        }
        List<?> operands = (List<?>) definition.get("Fn::Equals");
        return String.valueOf(resolve(operands.get(0))).equals(String.valueOf(resolve(operands.get(1))));
    }
}
