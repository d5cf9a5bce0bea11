"""Glue inside the emulator: the API calls moto lacks (`responses`, `models`), job runs and their
bookmarks, crawlers and the schemas they infer, their crawls as ListCrawls lists them
(`crawl_history`), workflow runs, and their ends as Glue's events."""


def install_fills() -> None:
    """Patch moto's Glue API with the fills; once, before the server starts."""
    from local_aws.emulator.glue import crawl_history, models, responses

    for owner, attribute, replacement in [*responses.FILLS, *models.FILLS, *crawl_history.CRAWL_HISTORY_API]:
        setattr(owner, attribute, replacement)
