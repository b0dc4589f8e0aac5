"""Measures a Jupyter kernel through jupyter_client, for `evalbox bench kernel`.

Usage: kernel_roundtrip.py KERNEL_NAME CELLS CODE [COMMENT_CODE [DISPLAY_CODE DISPLAYS]]
Prints one JSON object: start_to_first_reply_ms (process start to the first kernel_info_reply),
first_cell_ms (the first execute_request to its idle status), round_trips_ms (each of CELLS
executions of CODE, execute_request sent to idle status received, after 20 warm-up cells) and,
given COMMENT_CODE (a cell that is only a comment), comment_round_trips_ms: the same for it, which
is the protocol's share of a round trip, without the language engine; given DISPLAY_CODE (a cell
that displays a big run), display_ms: DISPLAYS executions of it, timed the same way, the first one
being the first time the kernel shows a run.
"""
import json
import sys
import time

from jupyter_client.manager import KernelManager


def run_cell(client, code):
    start = time.perf_counter()
    msg_id = client.execute(code, store_history=True)
    while True:
        msg = client.get_iopub_msg(timeout=60)
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            break
    elapsed = (time.perf_counter() - start) * 1000.0
    reply = client.get_shell_msg(timeout=60)
    if reply["content"]["status"] != "ok":
        raise SystemExit("the cell failed: " + json.dumps(reply["content"]))
    return elapsed


def main():
    name, cells, code = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    manager = KernelManager(kernel_name=name)
    start = time.perf_counter()
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=120)
        first_reply = (time.perf_counter() - start) * 1000.0
        first_cell = run_cell(client, code)
        for _ in range(20):
            run_cell(client, code)
        samples = [run_cell(client, code) for _ in range(cells)]
        comments = [run_cell(client, sys.argv[4]) for _ in range(cells)] if len(sys.argv) > 4 else []
        displays = [run_cell(client, sys.argv[5]) for _ in range(int(sys.argv[6]))] if len(sys.argv) > 6 else []
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)
    print(json.dumps({"kernel": name, "start_to_first_reply_ms": first_reply,
                      "first_cell_ms": first_cell, "round_trips_ms": samples,
                      "comment_round_trips_ms": comments, "display_ms": displays}))


if __name__ == "__main__":
    main()
