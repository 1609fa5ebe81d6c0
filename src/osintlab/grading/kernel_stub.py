"""The process jupyter_client starts as a graded kernel when a kernel nursery is running.

It asks the grading worker's nursery (``osintlab.grading.nursery``) for a kernel, handing
over its own standard streams and two pipes, then stands in for that kernel: signals sent to
it (interrupt, terminate) go on to the kernel, and it ends when the kernel ends. If the stub is
killed, the kernel notices its lifeline close and ends too, so no kernel outlives its job.

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
    request = json.dumps({"argv": sys.argv[1:], "cwd": os.getcwd(), "env": dict(os.environ)})
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as nursery:
        nursery.connect(os.environ[NURSERY_ENV])
        socket.send_fds(nursery, [request.encode()], [0, 1, 2, lifeline_read, alive_write])
        os.close(lifeline_read)
        os.close(alive_write)
        answer = nursery.recv(64)
    if not answer:
        sys.exit("the kernel nursery did not start a kernel")
    pid = int(answer)

    def forward(signum, frame):
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
