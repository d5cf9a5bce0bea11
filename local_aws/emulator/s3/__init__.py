"""S3 inside the emulator: the bucket naming rules CreateBucket holds names to (`bucket_names`)."""
