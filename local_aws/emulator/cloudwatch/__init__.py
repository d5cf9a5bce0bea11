"""CloudWatch inside the emulator: the limits of PutMetricData (`quotas`)."""
