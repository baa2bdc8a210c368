"""moto server, with fixes where moto departs from documented AWS behaviour our stacks rely on.

Run it like `moto_server`: `python tools/moto_server.py -H 127.0.0.1 -p 4566`.

Each fix is small, names the moto version it was written against, and has a test in
tools/tests/test_moto_server.py that fails once moto fixes the behaviour itself (then drop it).

1. Route 53 CreateHostedZone with a VPC (moto 5.2.5). Real Route 53 creates a PRIVATE zone
   associated with that VPC whenever the request names a VPC (the API reference: "To create a
   private hosted zone, specify the VPC"); hashicorp/aws sends the VPC and no
   HostedZoneConfig.PrivateZone. moto makes such a zone public and drops the VPC, so every plan
   after an apply would show the association as drift. The fix infers PrivateZone from the VPC.
2. EC2 CreateLaunchTemplate with TagSpecifications (moto 5.2.5). The request's top-level
   TagSpecifications tag the launch template itself; moto also copies them into the template's
   LaunchTemplateData, so DescribeLaunchTemplateVersions reports a "launch-template" tag
   specification that real EC2 never returns. Every plan then saw drift, made a new template
   version and updated the Auto Scaling group (whose instance refresh moto cannot start, so the
   apply hung). The fix keeps the data's TagSpecifications exactly as requested.
3. ECS CreateService (moto 5.2.5). moto drops deploymentConfiguration, capacityProviderStrategy,
   placementStrategy, placementConstraints, healthCheckGracePeriodSeconds, enableExecuteCommand
   and enableECSManagedTags (only UpdateService stores them), so DescribeServices shows none of
   what the service was created with. It also answers `networkConfiguration: {}` for a service
   created without one (bridge or host mode), where ECS omits the field; hashicorp/aws then reads
   an awsvpcConfiguration that is not there and crashes. The fix stores those parameters the way
   moto's own UpdateService does and leaves an absent networkConfiguration absent.
4. Application Auto Scaling tags (moto 5.2.5). moto has no ListTagsForResource, TagResource or
   UntagResource and ignores RegisterScalableTarget's Tags; hashicorp/aws reads a scalable target's
   tags after every create and retried ListTagsForResource until it timed out. The fix keeps the
   tags on the scalable target: given when it is registered (AWS: "to tag new scalable targets when
   you register them"), changed by TagResource/UntagResource, listed by ListTagsForResource, gone
   with the target; an ARN that names no target is a ResourceNotFoundException, as on AWS.
5. EC2 security group rules that reference a group (moto 5.2.5). The rule's description is kept
   with the referenced group, but DescribeSecurityGroupRules reads it only from a CIDR range, so
   such a rule has no Description and every plan after an apply showed it as drift. The fix reads
   the description from either.
6. S3 CreateBucket with CreateBucketConfiguration Tags (moto 5.2.5). S3 tags a bucket created
   with Tags ("an array of tags that you can apply to the bucket that you're creating");
   hashicorp/aws 6.x sends the tags that way and moto drops them, so every plan after an apply
   showed the bucket's tags as drift. The fix tags the new bucket with them.
7. Lambda DeadLetterConfig and LoggingConfig (moto 5.2.5). CreateFunction and
   UpdateFunctionConfiguration accept both, and GetFunction(Configuration) returns them on AWS;
   moto drops them, so every plan after an apply updated the static-IP attacher function (its
   dead-letter queue and JSON log format). The fix keeps both as sent (an empty TargetArn removes
   the dead-letter queue, as on AWS) and returns them.
8. ECS task definitions requiring EXTERNAL (moto 5.2.5). ECS Anywhere task definitions
   (`requiresCompatibilities: ["EXTERNAL"]`) use the bridge, host or none network mode as sent;
   moto treats every compatibility list but `["EC2"]` as Fargate and replaces the network mode
   with awsvpc, so every plan after an apply replaced an EXTERNAL host-network task definition.
   The fix keeps the network mode as sent (bridge when none is) for a list without FARGATE.
"""

from __future__ import annotations

import copy
import json
import sys
from typing import Any

import xmltodict

from moto.applicationautoscaling.models import FakeScalableTarget
from moto.awslambda.models import LambdaFunction
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.exceptions import JsonRESTError
from moto.core.utils import camelcase_to_underscores
from moto.ec2.models.security_groups import SecurityGroupRule
from moto.ec2.responses.launch_templates import LaunchTemplates
from moto.ecs.models import TaskDefinition
from moto.ecs.responses import EC2ContainerServiceResponse
from moto.route53.responses import Route53
from moto.s3.responses import S3Response

_create_hosted_zone = Route53.create_hosted_zone


def _create_hosted_zone_private_when_vpc_given(self: Route53) -> Any:
    if self._get_param("VPC.VPCId") and not self._get_bool_param("HostedZoneConfig.PrivateZone", False):
        get_bool = self._get_bool_param

        def private_zone_inferred(name: str, if_none: Any = None) -> Any:
            return True if name == "HostedZoneConfig.PrivateZone" else get_bool(name, if_none)

        self._get_bool_param = private_zone_inferred  # type: ignore[method-assign]
    return _create_hosted_zone(self)


Route53.create_hosted_zone = _create_hosted_zone_private_when_vpc_given  # type: ignore[method-assign]

_create_launch_template = LaunchTemplates.create_launch_template


def _create_launch_template_data_as_requested(self: LaunchTemplates) -> Any:
    requested = copy.deepcopy(self._get_param("LaunchTemplateData", {}).get("TagSpecifications"))
    result = _create_launch_template(self)
    template = self.ec2_backend.get_launch_template_by_name(self._get_param("LaunchTemplateName"))
    for version in template.versions:
        if requested:
            version.data["TagSpecifications"] = requested
        else:
            version.data.pop("TagSpecifications", None)
    return result


LaunchTemplates.create_launch_template = _create_launch_template_data_as_requested  # type: ignore[method-assign]

# 3. ECS CreateService keeps what it is sent (as UpdateService does) and omits an absent
#    networkConfiguration.
_SERVICE_PARAMETERS_MOTO_DROPS = (
    "deploymentConfiguration",
    "capacityProviderStrategy",
    "placementStrategy",
    "placementConstraints",
    "healthCheckGracePeriodSeconds",
    "enableExecuteCommand",
    "enableECSManagedTags",
)
_create_service = EC2ContainerServiceResponse.create_service


def _create_service_keeping_parameters(self: EC2ContainerServiceResponse) -> Any:
    result = _create_service(self)
    service = self.ecs_backend._get_service(self._get_param("cluster", "default"), self._get_param("serviceName"))
    for name in _SERVICE_PARAMETERS_MOTO_DROPS:
        value = self._get_param(name)
        if value is not None:
            setattr(service, camelcase_to_underscores(name), value)
    if self._get_param("networkConfiguration") is None:
        service.network_configuration = None
    return result


EC2ContainerServiceResponse.create_service = _create_service_keeping_parameters  # type: ignore[method-assign]


# 4. Application Auto Scaling: tags of scalable targets, kept on the target.
def _scalable_target_by_arn(self: ApplicationAutoScalingResponse, arn: str) -> FakeScalableTarget:
    for by_resource in self.applicationautoscaling_backend.targets.values():
        for target in by_resource.values():
            if target.arn == arn:
                return target
    raise JsonRESTError("ResourceNotFoundException", f"No scalable target found for {arn}")


def _target_tags(target: FakeScalableTarget) -> dict[str, str]:
    if not hasattr(target, "tags"):
        target.tags = {}  # type: ignore[attr-defined]
    return target.tags  # type: ignore[attr-defined, no-any-return]


_register_scalable_target = ApplicationAutoScalingResponse.register_scalable_target


def _register_scalable_target_with_tags(self: ApplicationAutoScalingResponse) -> str:
    existed = self.applicationautoscaling_backend._scalable_target_exists(
        self._get_param("ResourceId"), self._get_param("ScalableDimension")
    )
    body = _register_scalable_target(self)
    if not existed:
        arn = json.loads(body)["ScalableTargetARN"]
        _target_tags(_scalable_target_by_arn(self, arn)).update(self._get_param("Tags") or {})
    return body


def _list_tags_for_resource(self: ApplicationAutoScalingResponse) -> str:
    return json.dumps({"Tags": _target_tags(_scalable_target_by_arn(self, self._get_param("ResourceARN")))})


def _tag_resource(self: ApplicationAutoScalingResponse) -> str:
    _target_tags(_scalable_target_by_arn(self, self._get_param("ResourceARN"))).update(self._get_param("Tags") or {})
    return json.dumps({})


def _untag_resource(self: ApplicationAutoScalingResponse) -> str:
    tags = _target_tags(_scalable_target_by_arn(self, self._get_param("ResourceARN")))
    for key in self._get_param("TagKeys") or []:
        tags.pop(key, None)
    return json.dumps({})


ApplicationAutoScalingResponse.register_scalable_target = _register_scalable_target_with_tags  # type: ignore[method-assign]
ApplicationAutoScalingResponse.list_tags_for_resource = _list_tags_for_resource  # type: ignore[attr-defined]
ApplicationAutoScalingResponse.tag_resource = _tag_resource  # type: ignore[attr-defined]
ApplicationAutoScalingResponse.untag_resource = _untag_resource  # type: ignore[attr-defined]

# 5. The description of a security group rule that references a group rather than a CIDR range.
SecurityGroupRule.description = property(  # type: ignore[assignment, method-assign]
    lambda self: self.ip_range.get("Description") or self.source_group.get("Description")
)


# 6. S3 CreateBucket applies the tags of its CreateBucketConfiguration.
def _create_bucket_configuration_tags(body: bytes | str | None) -> dict[str, str]:
    if not body:
        return {}
    configuration = xmltodict.parse(body).get("CreateBucketConfiguration") or {}
    tags = (configuration.get("Tags") or {}).get("Tag") or []
    return {t["Key"]: t.get("Value") or "" for t in (tags if isinstance(tags, list) else [tags])}


_bucket_response_put = S3Response._bucket_response_put


def _bucket_response_put_tagging_new_buckets(self: S3Response, request: Any, bucket_name: str, querystring: Any) -> Any:
    result = _bucket_response_put(self, request, bucket_name, querystring)
    if self.data.get("Action") == "CreateBucket":
        tags = _create_bucket_configuration_tags(self.body)
        if tags:
            self.backend.put_bucket_tagging(bucket_name, tags)
    return result


S3Response._bucket_response_put = _bucket_response_put_tagging_new_buckets  # type: ignore[method-assign]


_lambda_init = LambdaFunction.__init__
_lambda_get_configuration = LambdaFunction.get_configuration
_lambda_update_configuration = LambdaFunction.update_configuration


def _keep_lambda_settings(fn: LambdaFunction, spec: dict[str, Any]) -> None:
    if "DeadLetterConfig" in spec:
        target = (spec["DeadLetterConfig"] or {}).get("TargetArn") or ""
        fn.ecs_cdktf_dead_letter_config = {"TargetArn": target} if target else None  # type: ignore[attr-defined]
    if "LoggingConfig" in spec:
        fn.ecs_cdktf_logging_config = dict(spec["LoggingConfig"] or {}) or None  # type: ignore[attr-defined]


def _lambda_init_keeping_settings(self: LambdaFunction, *args: Any, **kwargs: Any) -> None:
    _lambda_init(self, *args, **kwargs)
    spec = kwargs["spec"] if "spec" in kwargs else args[1]
    self.ecs_cdktf_dead_letter_config = None  # type: ignore[attr-defined]
    self.ecs_cdktf_logging_config = None  # type: ignore[attr-defined]
    _keep_lambda_settings(self, spec)


def _lambda_get_configuration_with_settings(self: LambdaFunction, *args: Any, **kwargs: Any) -> dict[str, Any]:
    config = _lambda_get_configuration(self, *args, **kwargs)
    dead_letter = getattr(self, "ecs_cdktf_dead_letter_config", None)
    logging = getattr(self, "ecs_cdktf_logging_config", None)
    if dead_letter:
        config["DeadLetterConfig"] = dict(dead_letter)
    if logging:
        config["LoggingConfig"] = dict(logging)
    return config


def _lambda_update_configuration_keeping_settings(self: LambdaFunction, config_updates: dict[str, Any]) -> dict[str, Any]:
    _keep_lambda_settings(self, config_updates)
    return _lambda_update_configuration(self, config_updates)


LambdaFunction.__init__ = _lambda_init_keeping_settings  # type: ignore[method-assign]
LambdaFunction.get_configuration = _lambda_get_configuration_with_settings  # type: ignore[method-assign]
LambdaFunction.update_configuration = _lambda_update_configuration_keeping_settings  # type: ignore[method-assign]

_task_definition_init = TaskDefinition.__init__


def _task_definition_init_keeping_external_network_mode(self: TaskDefinition, *args: Any, **kwargs: Any) -> None:
    _task_definition_init(self, *args, **kwargs)
    required = kwargs.get("requires_compatibilities") or []
    if "EXTERNAL" in required and "FARGATE" not in required:
        self.compatibilities = ["EC2", "EXTERNAL"]
        self.network_mode = kwargs.get("network_mode") or "bridge"


TaskDefinition.__init__ = _task_definition_init_keeping_external_network_mode  # type: ignore[method-assign]

if __name__ == "__main__":
    from moto.server import main

    sys.exit(main())
