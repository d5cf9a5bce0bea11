"""Glue inside the emulator: the API calls moto lacks (`responses`, `models`), job runs and their
bookmarks, crawlers and the schemas they infer, workflow runs, and their ends as Glue's events."""


def install_fills() -> None:
    """Patch moto's Glue API with the fills; once, before the server starts."""
    from local_aws.emulator.glue import models, responses

    for owner, attribute, replacement in [*responses.FILLS, *models.FILLS]:
        setattr(owner, attribute, replacement)
