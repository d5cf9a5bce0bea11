"""SNS inside the emulator: the limits Publish holds messages to (`quotas`)."""
