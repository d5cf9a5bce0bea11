"""SNS inside the emulator: the limits Publish holds messages to (`quotas`), and whether an AWS
service may publish to a topic as its own principal (`service_publishes`)."""
