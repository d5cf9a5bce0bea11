"""The emulator: moto in a process of its own (`process`), with the local stack installed inside it
(`server`): gap fills, interpreter fixes, the emulated clock, Glue job runs and crawlers (`glue/`),
IAM enforcement (`iam/`) and the control routes tests steer it with."""

from local_aws.emulator.process import (
    EmulatorError,
    is_up,
    reset,
    reset_control,
    running_emulator,
    start,
    stop,
)

__all__ = ["EmulatorError", "is_up", "reset", "reset_control", "running_emulator", "start", "stop"]
