"""S3 inside the emulator: bucket policies over TLS (`policies`) and the bucket naming rules
CreateBucket holds names to (`bucket_names`)."""


def install_fills() -> None:
    """Patch moto's S3 with the fills; once, before the server starts."""
    from local_aws.emulator.s3 import policies

    for owner, attribute, replacement in policies.FILLS:
        setattr(owner, attribute, replacement)
