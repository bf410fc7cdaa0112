"""The installed `atmp`, run many times from one interpreter: each command in a process forked from it.

A fresh interpreter takes about half a second here to start `atmp batch`, most of it importing typer,
pydantic and atmp's own modules, and the batch tests of the installed package run it a few dozen times.
Like a browser shared by a session, this server starts once, under the installed environment's python, and
runs `atmp batch -` on an empty input once itself, so that what every command imports is imported. For each
command it then forks a child that takes the command's working directory, environment, standard streams
(files) and arguments, and leaves through `sys.exit(main())` as the `atmp` script does, so that the
interpreter's own shutdown (flushing, exit status) ends it. The commands run the installed package and its
data in a process of their own, with real files and exit statuses; what a fresh start adds (the script,
the imports at start-up, SIGPIPE, a terminal) is tested by the tests that start `atmp` afresh.

Protocol: one JSON object a line on the request pipe, {"args", "cwd", "env", "stdin", "stdout", "stderr"}
(the last three, file paths); on the reply pipe, the child's pid, then its exit status (negative: killed by
that signal), a line each. Standard library only, and nothing from the tests: it runs as
`<venv>/bin/python -P forkserver.py REQUESTS_FD REPLIES_FD`.
"""

import json
import os
import sys


def warm_up(main) -> None:
    """`atmp batch -` on an empty input, in this process: the imports every command makes, made once."""
    sys.argv = ["atmp", "batch", "-"]
    try:
        main()
    except SystemExit as done:
        if done.code:
            raise RuntimeError(f"warming up: atmp batch - exited {done.code}") from None
    finally:
        sys.stdout.flush()  # nothing buffered for a child to inherit
        sys.stderr.flush()


def serve(requests: int, replies: int) -> None:
    from atmp_cli.cli import main  # what the installed `atmp` script imports

    warm_up(main)
    incoming = os.fdopen(requests, "rb")
    for line in incoming:  # one command at a time, so nothing is read ahead of the next
        command = json.loads(line)
        pid = os.fork()
        if pid == 0:
            incoming.close()
            os.close(replies)
            become(command)
            sys.exit(main())  # as the script does: the child's interpreter shuts down from here
        os.write(replies, f"{pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        os.write(replies, f"{os.waitstatus_to_exitcode(status)}\n".encode())


def become(command: dict) -> None:
    """In the child: the command's working directory, environment, standard streams and arguments."""
    os.chdir(command["cwd"])
    os.environ.clear()
    os.environ.update(command["env"])
    for fd, name, flags in ((0, "stdin", os.O_RDONLY), (1, "stdout", os.O_WRONLY | os.O_TRUNC), (2, "stderr", os.O_WRONLY | os.O_TRUNC)):
        opened = os.open(command[name], flags)
        os.dup2(opened, fd)
        os.close(opened)
    sys.argv = command["args"]


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
