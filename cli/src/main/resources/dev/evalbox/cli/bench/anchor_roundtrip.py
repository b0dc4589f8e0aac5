"""The anchor of `evalbox bench sandbox`: Jupyter's own pipe, jupyter_client -> ipykernel.

Runs inside one container of the sandbox image (the kernel talks ZMQ over the container's
loopback, which exists even with --network none). Starts an ipykernel with KernelManager, warms
it up, prints one JSON line {"ready": true, versions...}, then serves timing requests: each line
read from stdin is a number N; it answers with one JSON line {"samples_ms": [...]} holding N
round trips of execute("1+1"), each timed from sending the execute_request until both the
execute_reply (shell) and the idle status (iopub) have arrived, which is what a front end waits
for before it can run the next cell. Timing in blocks on request lets the Java side interleave
the anchor with evalbox's own samples, so both see the same load on a shared machine.
Exits at end of input.

Usage: python3 -c "<this file>" WARMUP
"""

import json
import subprocess
import sys
import time

import ipykernel
import jupyter_client
from jupyter_client.manager import KernelManager

warmup = int(sys.argv[1])


def ignore_output(msg):
    # execute_interactive prints outputs by default; stdout must carry only our JSON lines.
    pass


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


# The kernel inherits our stdout: it must not write into the protocol; its stderr stays for diagnostics.
manager = KernelManager(kernel_name="python3")
manager.start_kernel(stdout=subprocess.DEVNULL)
client = manager.client()
client.start_channels()
try:
    client.wait_for_ready(timeout=60)

    def round_trip_ms():
        started = time.perf_counter()
        reply = client.execute_interactive("1+1", timeout=30, output_hook=ignore_output)
        elapsed = (time.perf_counter() - started) * 1000.0
        if reply["content"]["status"] != "ok":
            raise RuntimeError("1+1 failed in the anchor kernel: %r" % (reply["content"],))
        return elapsed

    for _ in range(warmup):
        round_trip_ms()
    send({
        "ready": True,
        "python": sys.version.split()[0],
        "ipykernel": ipykernel.__version__,
        "jupyter_client": jupyter_client.__version__,
        "method": "BlockingKernelClient.execute_interactive (execute_reply + idle status)",
    })
    while True:
        line = sys.stdin.readline()
        if not line:
            break
        if line.strip():
            send({"samples_ms": [round_trip_ms() for _ in range(int(line))]})
finally:
    client.stop_channels()
    manager.shutdown_kernel(now=True)
    # jupyter_client's __del__ logs during interpreter teardown and prints a spurious traceback.
    del client
