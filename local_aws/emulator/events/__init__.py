"""EventBridge inside the emulator: rules delivering to Lambda targets and SNS topics (`targets`),
the limits PutRule holds rules to (`quotas`), and the `aws.` sources PutEvents refuses
(`reserved_sources`)."""
