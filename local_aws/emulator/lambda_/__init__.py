"""Lambda inside the emulator: a function's LoggingConfig kept (`models`) and the payload quotas
of Invoke (`quotas`)."""


def install_fills() -> None:
    """Patch moto's Lambda with the fills; once, before the server starts."""
    from local_aws.emulator.lambda_ import models

    for owner, attribute, replacement in models.FILLS:
        setattr(owner, attribute, replacement)
