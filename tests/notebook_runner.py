"""Running notebooks in-process with nbclient, as a student's Jupyter would."""

import os
from datetime import datetime

import nbformat
from nbclient import NotebookClient


def execute(nb, folder, allow_errors=False, env=None, timeout=300):
    """Run every cell of nb with folder as the working directory; returns the executed notebook.

    env -- extra environment variables for the kernel, on top of this process's minus the
           switches the notebooks read (NBGRADER_EXECUTION, LSTM_*) unless given here
    """
    nb = nbformat.from_dict(nb)
    kernel_env = {k: v for k, v in os.environ.items() if k != "NBGRADER_EXECUTION" and not k.startswith("LSTM_")}
    kernel_env.update(env or {})
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        allow_errors=allow_errors,
        resources={"metadata": {"path": str(folder)}},
    )
    client.execute(env=kernel_env)
    return nb


def text_of(cell):
    """Everything a code cell printed or displayed as text, and its error, in one string."""
    parts = []
    for output in cell.get("outputs", []):
        if output.output_type == "stream":
            parts.append(output.text)
        elif output.output_type in ("execute_result", "display_data"):
            parts.append(output.get("data", {}).get("text/plain", ""))
        elif output.output_type == "error":
            parts.append(f"{output.ename}: {output.evalue}")
    return "".join(parts)


def cell_seconds(cell):
    """Seconds from the kernel starting a cell to its reply, from the timing metadata nbclient records."""
    timing = cell.metadata["execution"]
    start, end = (
        datetime.fromisoformat(timing[k].replace("Z", "+00:00")) for k in ("iopub.execute_input", "shell.execute_reply")
    )
    return (end - start).total_seconds()
