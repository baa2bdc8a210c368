"""The fixes of tools/moto_server.py, against a real server process over HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import boto3
from botocore.exceptions import ClientError
import pytest

SERVER = Path(__file__).resolve().parents[1] / "moto_server.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(argv: list[str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    proc = subprocess.Popen([*argv, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    # Generous: moto imports for seconds, longer on a loaded machine (the suite runs pytest at nice 10).
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2)
            return proc, endpoint
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"{argv} did not answer on {endpoint}")


@pytest.fixture(scope="module", params=["patched", "plain"])
def server(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    argv = [sys.executable, str(SERVER)] if request.param == "patched" else [str(Path(sys.executable).parent / "moto_server")]
    proc, endpoint = _start(argv)
    yield request.param, endpoint
    # Only cleanup: a server starved of CPU (the suite runs pytest at nice 10) may take longer than
    # 15 s to act on SIGTERM, which once failed the fixture; then it is killed.
    proc.terminate()
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


def _zone_created_with_vpc(endpoint: str) -> dict:
    kw = {"region_name": "eu-west-2", "endpoint_url": endpoint, "aws_access_key_id": "test", "aws_secret_access_key": "test"}
    vpc_id = boto3.client("ec2", **kw).create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    r53 = boto3.client("route53", **kw)
    # Exactly what hashicorp/aws sends: a VPC, no HostedZoneConfig.PrivateZone.
    zone_id = r53.create_hosted_zone(
        Name=f"z{time.monotonic_ns()}.local",
        CallerReference=str(time.monotonic_ns()),
        VPC={"VPCRegion": "eu-west-2", "VPCId": vpc_id},
        HostedZoneConfig={"Comment": "c"},
    )["HostedZone"]["Id"]
    zone = r53.get_hosted_zone(Id=zone_id)
    return {"vpc_id": vpc_id, "private": zone["HostedZone"]["Config"]["PrivateZone"], "vpcs": zone.get("VPCs")}


def test_zone_with_vpc_is_private_and_associated_only_with_the_fix(server: tuple[str, str]) -> None:
    kind, endpoint = server
    got = _zone_created_with_vpc(endpoint)
    if kind == "patched":
        assert got["private"] is True
        assert got["vpcs"] == [{"VPCRegion": "eu-west-2", "VPCId": got["vpc_id"]}]
    else:
        # The moto gap the fix exists for. When this fails, moto fixed it: drop the fix.
        assert got["private"] is False
        assert got["vpcs"] is None


def test_launch_template_data_keeps_only_the_requested_tag_specifications(server: tuple[str, str]) -> None:
    kind, endpoint = server
    kw = {"region_name": "eu-west-2", "endpoint_url": endpoint, "aws_access_key_id": "test", "aws_secret_access_key": "test"}
    ec2 = boto3.client("ec2", **kw)
    name = f"lt{time.monotonic_ns()}"
    # As hashicorp/aws sends it: tags of the template itself at the top level, instance tags in the data.
    ec2.create_launch_template(
        LaunchTemplateName=name,
        LaunchTemplateData={
            "InstanceType": "t3.small",
            "TagSpecifications": [{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "i"}]}],
        },
        TagSpecifications=[{"ResourceType": "launch-template", "Tags": [{"Key": "Name", "Value": "lt"}]}],
    )
    data = ec2.describe_launch_template_versions(LaunchTemplateName=name)["LaunchTemplateVersions"][0]["LaunchTemplateData"]
    resource_types = sorted(t["ResourceType"] for t in data["TagSpecifications"])
    template = ec2.describe_launch_templates(LaunchTemplateNames=[name])["LaunchTemplates"][0]
    assert template["Tags"] == [{"Key": "Name", "Value": "lt"}]
    if kind == "patched":
        assert resource_types == ["instance"]
    else:
        # The moto gap the fix exists for. When this fails, moto fixed it: drop the fix.
        assert resource_types == ["instance", "launch-template"]


def _clients(endpoint: str, *services: str) -> list:
    kw = {"region_name": "eu-west-2", "endpoint_url": endpoint, "aws_access_key_id": "test", "aws_secret_access_key": "test"}
    return [boto3.client(s, **kw) for s in services]


def _bridge_service(endpoint: str, **create_args: object) -> tuple[str, str, dict]:
    """A cluster with one bridge-mode service created with `create_args`; (cluster, service, described)."""
    (ecs,) = _clients(endpoint, "ecs")
    cluster = f"c{time.monotonic_ns()}"
    ecs.create_cluster(clusterName=cluster)
    family = ecs.register_task_definition(
        family=f"td{time.monotonic_ns()}",
        networkMode="bridge",
        requiresCompatibilities=["EC2"],
        containerDefinitions=[
            {"name": "app", "image": "nginx", "memory": 128, "portMappings": [{"containerPort": 8080, "hostPort": 0}]}
        ],
    )["taskDefinition"]["taskDefinitionArn"]
    ecs.create_service(cluster=cluster, serviceName="web", taskDefinition=family, desiredCount=2, **create_args)
    return cluster, "web", ecs.describe_services(cluster=cluster, services=["web"])["services"][0]


# As hashicorp/aws sends them for the load-balanced service module's defaults.
SERVICE_CREATE_ARGS: dict = {
    "deploymentConfiguration": {
        "maximumPercent": 200,
        "minimumHealthyPercent": 50,
        "deploymentCircuitBreaker": {"enable": True, "rollback": True},
    },
    "capacityProviderStrategy": [{"capacityProvider": "default", "weight": 1, "base": 0}],
    "placementStrategy": [
        {"type": "spread", "field": "attribute:ecs.availability-zone"},
        {"type": "binpack", "field": "memory"},
    ],
    "placementConstraints": [{"type": "memberOf", "expression": "attribute:role == web"}],
    "healthCheckGracePeriodSeconds": 60,
    "enableExecuteCommand": False,
    "enableECSManagedTags": True,
}


def test_ecs_service_keeps_what_it_was_created_with_only_with_the_fix(server: tuple[str, str]) -> None:
    kind, endpoint = server
    _, _, service = _bridge_service(endpoint, **SERVICE_CREATE_ARGS)
    if kind == "patched":
        for name, value in SERVICE_CREATE_ARGS.items():
            assert service[name] == value, name
        # ECS omits networkConfiguration for a service without awsvpc networking.
        assert "networkConfiguration" not in service
    else:
        # The moto gap the fix exists for. When this fails, moto fixed it: drop the fix.
        assert not any(name in service for name in SERVICE_CREATE_ARGS)
        assert service["networkConfiguration"] == {}


def test_ecs_service_with_awsvpc_keeps_its_network_configuration(server: tuple[str, str]) -> None:
    kind, endpoint = server
    (ec2,) = _clients(endpoint, "ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    subnet_id = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.8.1.0/24")["Subnet"]["SubnetId"]
    group_id = ec2.create_security_group(GroupName=f"g{time.monotonic_ns()}", Description="d", VpcId=vpc_id)["GroupId"]
    network = {"awsvpcConfiguration": {"subnets": [subnet_id], "securityGroups": [group_id], "assignPublicIp": "DISABLED"}}
    _, _, service = _bridge_service(endpoint, networkConfiguration=network)
    # The fix leaves a given networkConfiguration alone (moto and ECS agree here).
    assert service["networkConfiguration"] == network, kind


def test_scalable_target_tags_only_with_the_fix(server: tuple[str, str]) -> None:
    kind, endpoint = server
    cluster, service, _ = _bridge_service(endpoint)
    (scaling,) = _clients(endpoint, "application-autoscaling")
    arn = scaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=f"service/{cluster}/{service}",
        ScalableDimension="ecs:service:DesiredCount",
        MinCapacity=2,
        MaxCapacity=6,
        Tags={"Environment": "test", "Owner": "platform"},
    )["ScalableTargetARN"]
    if kind == "plain":
        # The moto gap the fix exists for. When this fails, moto fixed it: drop the fix.
        # moto has no such action and answers an internal server error (what the provider retried).
        with pytest.raises(ClientError) as raised:
            scaling.list_tags_for_resource(ResourceARN=arn)
        assert raised.value.response["Error"]["Code"] == "500"
        return
    assert scaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Environment": "test", "Owner": "platform"}
    scaling.tag_resource(ResourceARN=arn, Tags={"Owner": "web", "CostCentre": "42"})
    scaling.untag_resource(ResourceARN=arn, TagKeys=["Environment"])
    assert scaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Owner": "web", "CostCentre": "42"}
    # Registering an existing target again updates its capacity, not its tags (TagResource does that).
    scaling.register_scalable_target(
        ServiceNamespace="ecs",
        ResourceId=f"service/{cluster}/{service}",
        ScalableDimension="ecs:service:DesiredCount",
        MaxCapacity=8,
    )
    assert scaling.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"Owner": "web", "CostCentre": "42"}
    scaling.deregister_scalable_target(
        ServiceNamespace="ecs", ResourceId=f"service/{cluster}/{service}", ScalableDimension="ecs:service:DesiredCount"
    )
    for call in (
        lambda: scaling.list_tags_for_resource(ResourceARN=arn),
        lambda: scaling.tag_resource(ResourceARN=arn, Tags={"a": "b"}),
        lambda: scaling.untag_resource(ResourceARN=arn, TagKeys=["a"]),
    ):
        with pytest.raises(ClientError) as gone:
            call()
        assert gone.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_rule_referencing_a_group_keeps_its_description_only_with_the_fix(server: tuple[str, str]) -> None:
    kind, endpoint = server
    (ec2,) = _clients(endpoint, "ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    alb, instances = (
        ec2.create_security_group(GroupName=f"{name}{time.monotonic_ns()}", Description=name, VpcId=vpc_id)["GroupId"]
        for name in ("alb", "instances")
    )
    # As hashicorp/aws's aws_vpc_security_group_ingress_rule sends it.
    ec2.authorize_security_group_ingress(
        GroupId=instances,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 32768,
                "ToPort": 65535,
                "UserIdGroupPairs": [{"GroupId": alb, "Description": "from the load balancer"}],
            },
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.7.0.0/16", "Description": "ssh"}]},
        ],
    )
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [instances]}])["SecurityGroupRules"]
    by_port = {r["FromPort"]: r for r in rules if not r["IsEgress"]}
    assert by_port[32768]["ReferencedGroupInfo"]["GroupId"] == alb
    assert by_port[22]["Description"] == "ssh"
    if kind == "patched":
        assert by_port[32768]["Description"] == "from the load balancer"
    else:
        # The moto gap the fix exists for. When this fails, moto fixed it: drop the fix.
        assert "Description" not in by_port[32768]


def test_bucket_created_with_tags_has_them_only_with_the_fix(server: tuple[str, str]) -> None:
    kind, endpoint = server
    (s3,) = _clients(endpoint, "s3")
    name = f"b{time.monotonic_ns()}"
    # As hashicorp/aws 6.x creates a bucket: its tags in CreateBucketConfiguration.
    s3.create_bucket(
        Bucket=name,
        CreateBucketConfiguration={
            "LocationConstraint": "eu-west-2",
            "Tags": [{"Key": "Name", "Value": "logs"}, {"Key": "Environment", "Value": "test"}],
        },
    )
    if kind == "patched":
        tags = s3.get_bucket_tagging(Bucket=name)["TagSet"]
        assert sorted((t["Key"], t["Value"]) for t in tags) == [("Environment", "test"), ("Name", "logs")]
    else:
        # The moto gap the fix exists for. When this fails, moto fixed it: drop the fix.
        with pytest.raises(ClientError) as raised:
            s3.get_bucket_tagging(Bucket=name)
        assert raised.value.response["Error"]["Code"] == "NoSuchTagSet"


def test_bucket_created_without_tags_has_none(server: tuple[str, str]) -> None:
    kind, endpoint = server
    (s3,) = _clients(endpoint, "s3")
    name = f"b{time.monotonic_ns()}"
    s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    with pytest.raises(ClientError) as raised:
        s3.get_bucket_tagging(Bucket=name)
    assert raised.value.response["Error"]["Code"] == "NoSuchTagSet", kind


def test_lambda_keeps_dead_letter_and_logging_config(server: tuple[str, str]) -> None:
    kind, endpoint = server
    kw = {"region_name": "eu-west-2", "endpoint_url": endpoint, "aws_access_key_id": "test", "aws_secret_access_key": "test"}
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.js", "exports.handler = async () => 'ok';")
    iam = boto3.client("iam", **kw)
    role = iam.create_role(
        RoleName=f"r{time.monotonic_ns()}",
        AssumeRolePolicyDocument='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}',
    )["Role"]["Arn"]
    queue = "arn:aws:sqs:eu-west-2:123456789012:dlq"
    name = f"f{time.monotonic_ns()}"
    lam = boto3.client("lambda", **kw)
    # What hashicorp/aws sends for the static-IP attacher: a dead-letter queue and JSON logs.
    lam.create_function(
        FunctionName=name,
        Runtime="nodejs22.x",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": buf.getvalue()},
        DeadLetterConfig={"TargetArn": queue},
        LoggingConfig={"LogFormat": "JSON", "LogGroup": f"/aws/lambda/{name}"},
    )
    config = lam.get_function_configuration(FunctionName=name)
    if kind == "plain":
        # moto 5.2.5 drops both: drift on every plan. Fails once moto keeps them (then drop fix 7).
        assert "DeadLetterConfig" not in config and "LoggingConfig" not in config
        return
    assert config["DeadLetterConfig"] == {"TargetArn": queue}
    assert config["LoggingConfig"] == {"LogFormat": "JSON", "LogGroup": f"/aws/lambda/{name}"}
    assert lam.get_function(FunctionName=name)["Configuration"]["DeadLetterConfig"] == {"TargetArn": queue}
    # An empty TargetArn removes the queue, as on AWS; the logging config is untouched.
    lam.update_function_configuration(FunctionName=name, DeadLetterConfig={"TargetArn": ""})
    config = lam.get_function_configuration(FunctionName=name)
    assert "DeadLetterConfig" not in config
    assert config["LoggingConfig"]["LogFormat"] == "JSON"
    lam.update_function_configuration(FunctionName=name, LoggingConfig={"LogFormat": "Text", "LogGroup": "/custom"})
    assert lam.get_function_configuration(FunctionName=name)["LoggingConfig"] == {"LogFormat": "Text", "LogGroup": "/custom"}


def test_external_task_definition_keeps_its_network_mode_only_with_the_fix(server: tuple[str, str]) -> None:
    kind, endpoint = server
    (ecs,) = _clients(endpoint, "ecs")
    registered = ecs.register_task_definition(
        family=f"ext{time.monotonic_ns()}",
        networkMode="host",
        requiresCompatibilities=["EXTERNAL"],
        containerDefinitions=[{"name": "app", "image": "nginx", "memory": 64}],
    )["taskDefinition"]
    described = ecs.describe_task_definition(taskDefinition=registered["taskDefinitionArn"])["taskDefinition"]
    assert described["requiresCompatibilities"] == ["EXTERNAL"]
    if kind == "patched":
        assert described["networkMode"] == "host"
        assert "FARGATE" not in described["compatibilities"]
    else:
        # The moto gap the fix exists for. When this fails, moto fixed it: drop the fix.
        assert described["networkMode"] == "awsvpc"
