"""What the pipeline makes of sample_data/customers_dirty.csv under sample_data/customer_rules.json
(the rules examples/complete deploys): the job tests and the end-to-end test expect the same rows."""

from datetime import date, datetime
from decimal import Decimal

# cleansed_customers' columns in the catalog, typed by examples/complete's column_types (Hive's type
# names), before the partition columns, which the crawler and Iceberg type differently.
CLEANSED_CUSTOMER_COLUMNS = [
    ("customer_id", "int"),
    ("first_name", "string"),
    ("last_name", "string"),
    ("email", "string"),
    ("signup_date", "date"),
    ("updated_at", "timestamp"),
    ("balance", "decimal(12,2)"),
    ("is_active", "boolean"),
    ("country", "string"),
    ("notes", "string"),
]
EXPECTED_CLEANSED = [
    (1, "Ada", "Lovelace", "ada@example.com", date(2024, 1, 5), datetime(2024, 3, 1, 9), Decimal("120.00"), True, "UK", None),
    (2, "Alan", "Turing", "alan@example.com", date(2024, 1, 6), datetime(2024, 2, 1, 10), Decimal("50.00"), False, "UK", None),
    (7, "Margaret", "Hamilton", "margaret@example.com", date(2024, 1, 10), datetime(2024, 2, 1, 13), Decimal("75.25"), True, "US", None),
]
EXPECTED_QUARANTINE = [
    (None, "required column customer_id is missing"),
    ("3", "email is not a valid e-mail address"),
    ("4", "signup_date is not a valid date"),
    ("5", "required column email is missing"),
    ("6", "balance is not a valid decimal(12,2)"),
]
