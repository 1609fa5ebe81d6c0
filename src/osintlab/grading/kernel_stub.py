"""The process jupyter_client starts as a graded kernel when a kernel nursery is running.

It asks the grading worker's nursery (``osintlab.grading.nursery``) for a kernel, handing
over its own standard streams and two pipes, then stands in for that kernel: signals sent to
it (interrupt, terminate) go on to the kernel, and it ends when the kernel ends. Behind the
boundary the kernel is interrupted by a message instead, and a terminating signal ends the
stub. If the stub is killed, the kernel notices its lifeline close and ends too, so no
kernel outlives its job.

Run with ``python -S``: it needs only the standard library and must start in milliseconds.

Example (the kernel spec the grading worker writes)::

    ["python", "-S", ".../osintlab/grading/kernel_stub.py", "-f", "{connection_file}"]
"""

import json
import os
import signal
import socket
import sys

NURSERY_ENV = "OSINTLAB_NURSERY"


def main() -> None:
    """Hand this kernel's place to a forked kernel and mirror its life."""
    lifeline_read, lifeline_write = os.pipe()  # closes when this stub dies
    alive_read, alive_write = os.pipe()  # closes when the kernel dies
    argv = sys.argv[1:]
    connection_file = argv[argv.index("-f") + 1] if "-f" in argv[:-1] else ""
    connection = ""
    if connection_file:  # readable by the worker's account only: the kernel gets a copy
        with open(connection_file, encoding="utf-8") as handle:
            connection = handle.read()
    request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ),
                          "connection": connection, "connection_file": connection_file})
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as nursery:
        nursery.connect(os.environ[NURSERY_ENV])
        socket.send_fds(nursery, [request.encode()], [0, 1, 2, lifeline_read, alive_write])
        os.close(lifeline_read)
        os.close(alive_write)
        answer = nursery.recv(64)
    if not answer:
        sys.exit("the kernel nursery did not start a kernel")
    said = answer.decode()
    # A kernel behind the boundary is interrupted by a message (its kernelspec says so) and
    # ends when this stub ends (its lifeline closes); its PID is not one to signal from here.
    pid = None if said.startswith("inside:") else int(said)

    def forward(signum, frame):
        if pid is None:
            if signum != signal.SIGINT:
                os._exit(0)  # the kernel's lifeline closes with this process
            return
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, forward)
    while os.read(alive_read, 1):
        pass  # the kernel never writes; an empty read means it ended
    os.close(lifeline_write)


if __name__ == "__main__":
    main()
