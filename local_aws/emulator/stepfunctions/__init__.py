"""Step Functions inside the emulator: the payload quotas of executions and task tokens (`quotas`)."""
