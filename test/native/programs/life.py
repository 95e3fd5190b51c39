# A Python Automation API inline program on the generated Python SDK (sdk/python): create, a no-op
# preview, one field updated, destroy, against the Qualys PM emulator whose URL is in QUALYS_TEST_GATEWAY.
# Prints one JSON line with what the engine reported for each step. No Python language host needed.
import json
import os

import pulumi_qualys as qualys
from pulumi import automation as auto

description = {"value": "made from Python"}


def program():
    qualys.pm.DeploymentJob(
        "py-job",
        name="Python job",
        platform=qualys.pm.Platform.LINUX,
        asset_ids=["08a028e6-7e1d-4dbf-b040-48d9059dee08"],
        package_cache_update=True,
        description=description["value"],
    )


def main():
    work_dir = os.environ["QUALYS_TEST_WORK_DIR"]
    # Python's ProjectSettings has no `plugins` field, so the Pulumi.yaml that names the plugin is written here.
    with open(os.path.join(work_dir, "Pulumi.yaml"), "w") as f:
        f.write("name: py-life\nruntime: python\nplugins:\n  providers:\n    - name: qualys\n      path: %s\n" % os.environ["QUALYS_TEST_PLUGIN_DIR"])
    command = auto.PulumiCommand(root=os.environ["QUALYS_TEST_PULUMI_ROOT"], skip_version_check=True)
    stack = auto.create_or_select_stack(
        stack_name="test", project_name="py-life", program=program,
        opts=auto.LocalWorkspaceOptions(work_dir=work_dir, pulumi_command=command),
    )
    stack.set_all_config({
        "qualys:gatewayUrl": auto.ConfigValue(os.environ["QUALYS_TEST_GATEWAY"]),
        "qualys:username": auto.ConfigValue("demo-user"),
        "qualys:password": auto.ConfigValue(os.environ["QUALYS_TEST_PASSWORD"], secret=True),
    })
    steps = {"up": stack.up().summary.resource_changes}
    steps["preview"] = stack.preview().change_summary
    description["value"] = "updated from Python"
    steps["update"] = stack.up().summary.resource_changes
    steps["destroy"] = stack.destroy().summary.resource_changes
    print(json.dumps(steps))


if __name__ == "__main__":
    main()
