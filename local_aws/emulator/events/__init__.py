"""EventBridge inside the emulator: the limits PutRule holds rules to (`quotas`)."""
