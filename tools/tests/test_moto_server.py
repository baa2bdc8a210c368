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
    deadline = time.monotonic() + 30
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
    proc.terminate()
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
