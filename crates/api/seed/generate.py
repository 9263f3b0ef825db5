#!/usr/bin/env python3
"""Writes the demo placement files that `debtflow seed-demo` bundles (crates/api/src/seed/).

    python3 crates/api/seed/generate.py     # rewrites the two CSVs next to this script

Deterministic: a fixed random seed, so a run rewrites the same bytes. The files are
committed; run this only to change them. Dates are written as of WRITTEN_ON; the seed
moves them by the days between that date and the agency's today when it places them,
so the demo's accounts keep their ages (every aging bucket has some) on any day.

Names, phones and e-mails are fictional: phone numbers in the ranges reserved for
fiction (US 555-01xx, UK 07700 900xxx), e-mail addresses on example.* domains.
"""
import csv
import random
from datetime import date, timedelta
from pathlib import Path

WRITTEN_ON = date(2026, 11, 30)  # keep equal to `seed::files::WRITTEN_ON`
HEADER = ["external_ref", "creditor", "original_creditor", "original_balance", "currency", "delinquency_date",
          "due_date", "priority", "debtor_name", "phone", "email", "address", "date_of_birth", "ssn_last4"]

# Creditor, kind, balance range (dollars).
US_CREDITORS = [
    ("Chase Bank USA", "bank", 600, 25_000), ("Capital One", "bank", 400, 14_000),
    ("Wells Fargo Bank", "bank", 500, 18_000), ("Citibank", "bank", 500, 16_000),
    ("Discover Bank", "bank", 300, 9_000), ("Synchrony Bank", "bank", 250, 6_000),
    ("Ally Financial", "auto", 2_500, 24_000),
    ("Verizon Wireless", "telecom", 80, 1_400), ("AT&T Mobility", "telecom", 80, 1_200),
    ("T-Mobile USA", "telecom", 90, 1_100), ("Comcast Xfinity", "telecom", 120, 900),
    ("Spectrum", "telecom", 100, 800),
    ("Con Edison", "utility", 150, 2_600), ("Duke Energy", "utility", 120, 2_200),
    ("Pacific Gas and Electric", "utility", 140, 2_400), ("Dominion Energy", "utility", 110, 1_900),
    ("Mercy Hospital", "medical", 400, 18_000), ("St. Luke's Health System", "medical", 300, 12_000),
    ("Northside Radiology", "medical", 180, 3_500), ("Valley Urgent Care", "medical", 90, 1_200),
    ("Lakeside Dental Group", "medical", 150, 4_800), ("Quest Diagnostics", "medical", 80, 900),
]
# Debt buyers placing accounts bought from an original creditor.
BUYERS = [("Midland Credit Management", ["Citibank", "Synchrony Bank", "Comenity Bank"]),
          ("Cavalry SPV I", ["Capital One", "Chase Bank USA", "Credit One Bank"])]

FIRST = ["Aaliyah", "Adrian", "Alicia", "Andre", "Angela", "Anthony", "Ashley", "Benjamin", "Brandon", "Brianna",
         "Carlos", "Carmen", "Catherine", "Christopher", "Cynthia", "Daniel", "Danielle", "Darnell", "Deborah",
         "Derek", "Diana", "Dominic", "Elena", "Emily", "Eric", "Evelyn", "Frank", "Gabriel", "Gloria", "Gregory",
         "Hannah", "Hector", "Isabel", "Jacob", "Jasmine", "Jason", "Jennifer", "Jerome", "Jessica", "Joanne",
         "Jonathan", "Jorge", "Joshua", "Julia", "Justin", "Kayla", "Keisha", "Kenneth", "Kevin", "Kimberly",
         "Latoya", "Laura", "Lauren", "Leonard", "Lisa", "Lucas", "Luis", "Marcus", "Megan", "Melissa", "Miguel",
         "Monica", "Nathan", "Nicole", "Omar", "Pamela", "Patrick", "Rachel", "Raymond", "Rebecca", "Ricardo",
         "Robert", "Rosa", "Ryan", "Samantha", "Sandra", "Sean", "Sharon", "Stephanie", "Steven", "Tanya", "Terrence",
         "Theresa", "Timothy", "Tyrone", "Vanessa", "Victor", "Wanda", "Xavier", "Yolanda", "Zachary"]
LAST = ["Abbott", "Alvarez", "Bennett", "Blackwell", "Bowen", "Bradley", "Brooks", "Bryant", "Caldwell", "Castillo",
        "Chambers", "Chavez", "Coleman", "Crawford", "Cruz", "Delgado", "Dixon", "Duncan", "Ellis", "Espinoza",
        "Farrell", "Fischer", "Fleming", "Foster", "Fuentes", "Gibson", "Gordon", "Graham", "Greene", "Guerrero",
        "Hale", "Hampton", "Hansen", "Hawkins", "Hayes", "Henderson", "Hoffman", "Huang", "Hughes", "Jenkins",
        "Kaufman", "Keller", "Kennedy", "Kim", "Lambert", "Lawson", "Medina", "Mendoza", "Meyer", "Morales",
        "Murphy", "Nash", "Nelson", "Norris", "Okafor", "Olsen", "Ortiz", "Owens", "Palmer", "Patel", "Pearson",
        "Perkins", "Porter", "Quinn", "Ramos", "Reed", "Reyes", "Rivera", "Russell", "Salazar", "Sandoval",
        "Schmidt", "Shaw", "Simmons", "Soto", "Spencer", "Stevens", "Sullivan", "Tran", "Tucker", "Vargas",
        "Vasquez", "Wagner", "Wallace", "Warren", "Washington", "Watts", "Weber", "Wheeler", "Yates", "Zamora"]
# City, state, ZIP, area code.
US_PLACES = [("Columbus", "OH", "43215", "614"), ("Atlanta", "GA", "30318", "404"), ("Phoenix", "AZ", "85016", "602"),
             ("Charlotte", "NC", "28205", "704"), ("San Antonio", "TX", "78212", "210"),
             ("Philadelphia", "PA", "19143", "215"), ("Jacksonville", "FL", "32207", "904"),
             ("Indianapolis", "IN", "46220", "317"), ("Denver", "CO", "80211", "303"),
             ("Nashville", "TN", "37206", "615"), ("Milwaukee", "WI", "53212", "414"),
             ("Albuquerque", "NM", "87106", "505"), ("Sacramento", "CA", "95818", "916"),
             ("Kansas City", "MO", "64111", "816"), ("Richmond", "VA", "23220", "804"),
             ("Buffalo", "NY", "14214", "716"), ("Louisville", "KY", "40204", "502"),
             ("Tulsa", "OK", "74104", "918"), ("Baltimore", "MD", "21218", "410"),
             ("Newark", "NJ", "07104", "973")]
STREETS = ["Maple Ave", "Oak St", "Cedar Ln", "Elm St", "Park Blvd", "Washington St", "Lincoln Ave", "Highland Dr",
           "Sunset Blvd", "Lakeview Dr", "Church St", "Ridge Rd", "Mill Rd", "Franklin Ave", "Jefferson St",
           "Chestnut St", "Willow Way", "Prospect Ave", "Spring St", "Grove St"]
MAIL = ["example.com", "example.net", "example.org"]

UK_ACCOUNTS = [
    ("Barclaycard", None, 300, 6_000), ("Lloyds Bank", None, 400, 9_000), ("Vodafone UK", None, 60, 900),
    ("British Gas", None, 90, 1_600), ("Thames Water", None, 80, 1_100), ("EE Limited", None, 50, 700),
    ("Lowell Portfolio I", "NatWest", 500, 7_500), ("Octopus Energy", None, 70, 1_300),
]
UK_PEOPLE = [("Oliver Bennett-Hughes", "14 Kingsley Road, Leeds LS6 2AB"),
             ("Amelia Thornton", "Flat 3, 27 Albert Street, Manchester M4 1BQ"),
             ("Harry Okonkwo", "8 Chestnut Grove, Bristol BS6 5LR"),
             ("Isla McKenzie", "112 Dalkeith Road, Edinburgh EH16 5AN"),
             ("George Pritchard", "45 Victoria Terrace, Cardiff CF10 4AB"),
             ("Sophie Ahmed", "19 Church Lane, Birmingham B13 9QT"),
             ("Jack Fairbairn", "7 Harbour View, Newcastle upon Tyne NE1 3DX"),
             ("Poppy Evans", "61 Mill Hill, Norwich NR2 3DS")]


def money(rng, low, high):
    # Cents are common on real balances; round thousands look made up.
    return f"{rng.uniform(low, high):.2f}"


def ages(rng):
    """Days delinquent as of WRITTEN_ON: every aging bucket well stocked, the rest
    spread over two years."""
    buckets = [(3, 29, 18), (33, 58, 18), (63, 88, 18), (95, 720, 96)]
    out = [rng.randint(low, high) for low, high, n in buckets for _ in range(n)]
    rng.shuffle(out)
    return out


def us_rows(rng):
    rows, used = [], set()
    for n, age in enumerate(ages(rng)):
        creditor, kind, low, high = rng.choice(US_CREDITORS)
        original = ""
        if kind == "bank" and rng.random() < 0.2:
            creditor, originals = rng.choice(BUYERS)
            original = rng.choice(originals)
        while True:
            first, last = rng.choice(FIRST), rng.choice(LAST)
            if (first, last) not in used:
                used.add((first, last))
                break
        city, state, zip_code, area = rng.choice(US_PLACES)
        address = f"{rng.randint(100, 9899)} {rng.choice(STREETS)}, {city}, {state} {zip_code}"
        if rng.random() < 0.2:
            address = f"{rng.randint(100, 9899)} {rng.choice(STREETS)} Apt {rng.randint(1, 24)}{rng.choice('ABCD')}, " \
                      f"{city}, {state} {zip_code}"
        phone = f"({area}) 555-01{rng.randint(0, 99):02d}" if rng.random() < 0.85 else ""
        email = f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}@{rng.choice(MAIL)}" if rng.random() < 0.7 else ""
        delinquent = WRITTEN_ON - timedelta(days=age)
        due = str(delinquent - timedelta(days=30)) if rng.random() < 0.4 else ""
        born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 52 * 365))
        rows.append([
            f"DRA-{10001 + n}", creditor, original, money(rng, low, high), "USD" if rng.random() < 0.6 else "",
            str(delinquent), due, str(rng.choice([0, 1, 1, 1, 2, 2, 3])), f"{first} {last}", phone, email, address,
            str(born) if rng.random() < 0.8 else "", f"{rng.randint(0, 9999):04d}" if rng.random() < 0.7 else "",
        ])
    return rows


def uk_rows(rng):
    rows = []
    for n, ((creditor, original, low, high), (name, address)) in enumerate(zip(UK_ACCOUNTS, UK_PEOPLE)):
        delinquent = WRITTEN_ON - timedelta(days=[12, 40, 75, 130, 210, 300, 420, 560][n])
        phone = f"07700 900{rng.randint(0, 999):03d}" if n != 5 else ""
        user = name.lower().replace(" ", ".").replace("-", "")
        email = f"{user}@example.co.uk" if n % 3 != 2 else ""
        born = date(1955, 1, 1) + timedelta(days=rng.randint(0, 48 * 365))
        rows.append([f"NWC-{5001 + n}", creditor, original or "", money(rng, low, high), "GBP", str(delinquent), "",
                     str(rng.choice([0, 1, 2])), name, phone, email, address, str(born), ""])
    return rows


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, lineterminator="\n")
        out.writerow(HEADER)
        out.writerows(rows)


def main():
    here = Path(__file__).resolve().parent
    rng = random.Random(20261130)
    write(here / "demo-recovery-accounts.csv", us_rows(rng))
    write(here / "northwind-accounts.csv", uk_rows(rng))


if __name__ == "__main__":
    main()
