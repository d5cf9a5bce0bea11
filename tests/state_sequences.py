"""The states a run of the deployed state machine enters, in order, as the tests expect them: the
pieces each scenario's sequence is written from. The test root's stack has one table, customers, so
each Map state runs one iteration."""

START = ["ResolveRun", "LoadSettings", "LoadTables", "ExtractTables", "IsTableInRun"]
EXTRACTED = ["RunExtractJob", "TableExtracted", "FindExtractedTables", "CountExtractedTables", "IsAnyTableExtracted"]
CLEANSED = [
    "CleanseTables",
    "WasTableExtracted",
    "RunCleanseJob",
    "TableCleansed",
    "FindCleansedTables",
    "CountCleansedTables",
    "HasCleansedTables",
]
REPORTED = ["ReportRun", "DidEveryTableSucceed", "RunSucceeded"]
TABLES_FAILED = ["ReportRun", "DidEveryTableSucceed", "RecordTableFailures", "NotifyFailure", "PipelineFailed"]
# The one table's extract job run ended FAILED: no table extracted, so no crawl and no cleanse job.
EXTRACT_RUN_FAILED = [
    *START,
    "RunExtractJob",
    "DidExtractJobRunEndBadly",
    "ReadFailedExtractJobRun",
    "RecordExtractJobRunFailure",
    "FindExtractedTables",
    "CountExtractedTables",
    "IsAnyTableExtracted",
    *TABLES_FAILED,
]


def polls(crawler: str, count: int) -> list[str]:
    """The states of `count` status checks of the Raw or Cleansed crawler."""
    return [
        f"Check{crawler}CrawlerPollLimit",
        f"Count{crawler}CrawlerPoll",
        f"WaitFor{crawler}Crawler",
        f"Get{crawler}CrawlerStatus",
        f"Is{crawler}CrawlerDone",
    ] * count


def crawl(crawler: str, count: int) -> list[str]:
    """A crawl of the Raw or Cleansed crawler waited for by polling, `count` status checks long."""
    return [f"Start{crawler}Crawler", f"Reset{crawler}CrawlerPolls", *polls(crawler, count)]


def event_crawl(crawler: str) -> list[str]:
    """A crawl of the Raw or Cleansed crawler waited for by its end event (crawler_wait = "event")."""
    return [f"Await{crawler}Crawl"]


# examples/complete's run (Iceberg, so no cleansed crawl; polling), outside the Map states'
# iterations: each table extracted, one crawl of raw seen done at its first poll, each table cleansed.
HAPPY_PATH_ICEBERG_POLL = [
    "ResolveRun",
    "LoadSettings",
    "LoadTables",
    "ExtractTables",
    "FindExtractedTables",
    "CountExtractedTables",
    "IsAnyTableExtracted",
    *crawl("Raw", 1),
    "CleanseTables",
    *REPORTED,
]
