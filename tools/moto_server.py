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
"""

from __future__ import annotations

import sys
import copy
from typing import Any

from moto.ec2.responses.launch_templates import LaunchTemplates
from moto.route53.responses import Route53

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

if __name__ == "__main__":
    from moto.server import main

    sys.exit(main())
