"""Resource limits for a process that runs learner code (applied in the child)."""

import os
import resource
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    cpu_seconds: int = 20  # CPU time for the whole process
    memory_mb: int = 1024  # address space
    output_mb: int = 8  # largest file the process may write (its captured output)
    processes: int | None = None  # RLIMIT_NPROC; None leaves it

    def apply(self):
        """Call in the child before any learner code runs."""
        os.setsid()  # its own process group: killing it takes its children too
        resource.setrlimit(resource.RLIMIT_CPU, (self.cpu_seconds, self.cpu_seconds + 1))
        memory = self.memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        size = self.output_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if self.processes is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (self.processes, self.processes))


def kill_group(process):
    """Kill a sandbox process and everything it started."""
    import signal

    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.kill()
    except ProcessLookupError:
        pass
    process.wait()
