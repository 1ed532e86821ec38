"""JupyterLab on 127.0.0.1 for the browser tests: started in a folder, waited for, stopped by its pid."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request

CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright drives it and downloads no browser of its own


def free_port():
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running_lab(jupyter, folder, log_path, token, options=(), env=None):
    """Run `jupyter lab` in folder on 127.0.0.1 and yield its base URL once it answers.

    jupyter  -- the command that runs jupyter, as a list (a venv's `.venv/bin/jupyter`, or this
                Python's `-m jupyter`)
    log_path -- where the server's output goes; its end is in the error when it does not start
    token    -- the token that the tests' requests carry
    options  -- more command-line options of the server; env -- its environment (default: ours)
    The server and everything it started are stopped on leaving, by its process group.
    """
    port = free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                *jupyter,
                "lab",
                "--allow-root",
                "--no-browser",
                "--ip=127.0.0.1",
                f"--port={port}",
                f"--IdentityProvider.token={token}",
                *options,
            ],
            cwd=folder,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=env,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5)
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start: {log_path.read_text()[-2000:]}") from None
                time.sleep(1)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
