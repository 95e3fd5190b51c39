"""Drives the PM API emulator with qualysdk 0.3.17 itself (test/qualysdk/qualysdk.test.ts runs it).

Usage: python drive.py http://127.0.0.1:<port> <username> <password>

Every call goes to the emulator on the loopback address: the gateway URL must be http://127.0.0.1,
and any other connection fails before it is made. Prints one JSON object on standard output: what
qualysdk returned at each step (never the token); qualysdk's own chatter goes to standard error.
The assertions are in the jest test, which also reads the emulator's transcript of the requests.
"""

import contextlib
import json
import socket
import sys
from urllib.parse import urlsplit

GATEWAY, USERNAME, PASSWORD = sys.argv[1], sys.argv[2], sys.argv[3]
if urlsplit(GATEWAY).hostname != "127.0.0.1":
    sys.exit(f"drive.py talks only to the emulator on 127.0.0.1, not {GATEWAY}")

_connect = socket.socket.connect


def loopback_only(sock, address):
    """No connection leaves the machine: qualysdk is pointed at the emulator and nowhere else."""
    if not (isinstance(address, tuple) and address[0] == "127.0.0.1"):
        raise ConnectionRefusedError(f"drive.py refuses to connect to {address!r}: loopback only")
    return _connect(sock, address)


socket.socket.connect = loopback_only

from qualysdk.auth import TokenAuth  # noqa: E402  (after the guard: nothing connects before it)
from qualysdk.auth.platform_picker import PlatformPicker  # noqa: E402
from qualysdk.base import DONT_EXPAND  # noqa: E402
from qualysdk.pm import change_job_status, create_job, delete_job, get_job_results, get_job_runs, list_jobs  # noqa: E402

# qualysdk's override_platform turns http:// into https://, and the emulator speaks plain http on
# loopback: its platform picker (used by the token call and by call_api) is pointed here instead.
PlatformPicker.get_gateway_url = staticmethod(lambda platform: GATEWAY)

ASSET = "08a028e6-7e1d-4dbf-b040-48d9059dee08"
PATCH = "444ba31a-0f94-3199-870e-ef8ab1a5a477"


def when(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def row(job):
    return {
        "id": job.id,
        "name": job.name,
        "platform": job.platform,
        "status": job.status,
        "created_user_name": job.created_user_name,
        "created_date": when(job.created_date),
        "updated_date": when(job.updated_date),
    }


def main():
    report = {}
    auth = TokenAuth(USERNAME, PASSWORD, platform="qg1")
    report["auth"] = {"got_token": bool(auth.token) and auth.token.count(".") == 2}

    daily = {"scheduleType": "Daily", "startDateTime": "2030-1-6 02:00:00 AM", "recurring": True, "timezoneType": "agent_tz"}
    job_id = create_job(auth, "Linux", "qualysdk daily", "Install", assetIds=[ASSET], approvedPatches=[PATCH], **daily)
    report["created"] = job_id
    for i in range(4):
        create_job(auth, "Linux", f"qualysdk linux {i}", "Install", "On-demand")
    for i in range(2):
        create_job(auth, "Windows", f"qualysdk windows {i}", "Install", "On-demand")

    report["linux_pages"] = [row(job) for job in list_jobs(auth, "linux", pageSize=2)]
    report["all_pages"] = sorted(job.name for job in list_jobs(auth, "all", pageSize=2))

    report["enabled"] = change_job_status(auth, "Enabled", job_id)
    report["runs"] = [
        {"jobInstanceId": run.jobInstanceId, "jobId": run.jobId, "scheduledDateTime": when(run.scheduledDateTime), "timezoneType": run.timezoneType}
        for run in get_job_runs(auth, job_id)
    ]
    report["disabled"] = change_job_status(auth, "Disabled", job_id)

    # The 3.5 notes' asset rows carry `isolation`, which 0.3.17's PMAssetJobView does not declare:
    # expanded, they would fail PMAssetJobView(**asset). DONT_EXPAND, qualysdk's own switch, keeps them as dicts.
    DONT_EXPAND.flag = True
    try:
        results = get_job_results(auth, job_id)
    finally:
        DONT_EXPAND.flag = False
    report["results"] = {
        "id": results.id,
        "name": results.name,
        "assetCount": results.assetCount,
        "patchCount": results.patchCount,
        "createdOn": when(results.createdOn),
        "assets": len(results.assets),
    }

    report["deleted"] = delete_job(auth, job_id)
    report["after_delete"] = sorted(job.name for job in list_jobs(auth, "linux", pageSize=100))
    return report


if __name__ == "__main__":
    with contextlib.redirect_stdout(sys.stderr):
        report = main()
    print(json.dumps(report))
