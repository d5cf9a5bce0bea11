"""Lambda inside the emulator: the payload quotas of Invoke (`quotas`)."""
