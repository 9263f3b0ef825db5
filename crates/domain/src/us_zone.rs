//! The time zone of a US debtor, derived from the state and ZIP code of their postal address.
//!
//! Regulation F allows calls only after 8 a.m. and before 9 p.m. at the consumer's location
//! (12 CFR 1006.6(b)(1)(i)), so [`contact::check`](crate::contact::check) needs the debtor's local
//! time, hence their time zone. A zone set explicitly on the debtor always wins: [`zone_for`] and
//! [`zone_from_address`] only give the default the caller falls back to. They return IANA names that
//! PostgreSQL converts with (`AT TIME ZONE`), all of them listed in [`ZONES`].
//!
//! The mapping is coarse by design: ZIP codes, not counties. Each state, DC and each territory has a
//! main zone. States split between zones (49 CFR part 71) are cut by the first three digits of the
//! ZIP code (the USPS sectional center), which follow county lines only roughly: a ZIP3 that straddles
//! the line goes to the zone of most of its people, and the comment on each rule names the places that
//! come out wrong. Five-digit ZIP codes are listed only where a zone's area has no ZIP3 of its own
//! (the western Aleutians, Michigan's four Central counties, Kansas's four Mountain counties, West
//! Wendover). Unofficial local practice (Phenix City, AL on Eastern time; Jackpot, NV on Mountain)
//! is not modelled. A ZIP code is "12345" or "12345-6789"; anything else is ignored.
//!
//! One zone per rule set in use today, named by IANA's main zone for it: the zones IANA keeps for the
//! history of parts of Indiana, Kentucky, Michigan and North Dakota have had the rules of New York or
//! Chicago since 2010 at the latest, before Regulation F (2021). Southern Idaho and eastern Oregon keep
//! America/Boise, IANA's zone for them (Denver's rules since 1974). The Virgin Islands and the Northern
//! Mariana Islands get America/Puerto_Rico and Pacific/Guam: America/St_Thomas and Pacific/Saipan are
//! only links to them in IANA's default build.
//!
//! Sources: IANA's tz database (`zone1970.tab`, `zone.tab`), 49 CFR part 71 (the zone boundaries), a
//! public list of USPS ZIP codes with their counties (free_zipcode_data) for the ZIP3 splits.

const NEW_YORK: &str = "America/New_York";
const CHICAGO: &str = "America/Chicago";
const DENVER: &str = "America/Denver";
const BOISE: &str = "America/Boise";
const PHOENIX: &str = "America/Phoenix";
const LOS_ANGELES: &str = "America/Los_Angeles";
const ANCHORAGE: &str = "America/Anchorage";
const ADAK: &str = "America/Adak";
const HONOLULU: &str = "Pacific/Honolulu";
const PUERTO_RICO: &str = "America/Puerto_Rico";
const GUAM: &str = "Pacific/Guam";
const PAGO_PAGO: &str = "Pacific/Pago_Pago";

/// Every zone [`zone_for`] and [`zone_from_address`] can return: canonical IANA names.
pub const ZONES: &[&str] =
    &[NEW_YORK, CHICAGO, DENVER, BOISE, PHOENIX, LOS_ANGELES, ANCHORAGE, ADAK, HONOLULU, PUERTO_RICO, GUAM, PAGO_PAGO];

/// USPS state code → the zone of the state, or of most of it.
const STATES: &[(&str, &str)] = &[
    ("AK", ANCHORAGE),
    ("AL", CHICAGO),
    ("AR", CHICAGO),
    ("AS", PAGO_PAGO),
    ("AZ", PHOENIX),
    ("CA", LOS_ANGELES),
    ("CO", DENVER),
    ("CT", NEW_YORK),
    ("DC", NEW_YORK),
    ("DE", NEW_YORK),
    ("FL", NEW_YORK),
    ("GA", NEW_YORK),
    ("GU", GUAM),
    ("HI", HONOLULU),
    ("IA", CHICAGO),
    ("ID", BOISE),
    ("IL", CHICAGO),
    ("IN", NEW_YORK),
    ("KS", CHICAGO),
    ("KY", NEW_YORK),
    ("LA", CHICAGO),
    ("MA", NEW_YORK),
    ("MD", NEW_YORK),
    ("ME", NEW_YORK),
    ("MI", NEW_YORK),
    ("MN", CHICAGO),
    ("MO", CHICAGO),
    ("MP", GUAM),
    ("MS", CHICAGO),
    ("MT", DENVER),
    ("NC", NEW_YORK),
    ("ND", CHICAGO),
    ("NE", CHICAGO),
    ("NH", NEW_YORK),
    ("NJ", NEW_YORK),
    ("NM", DENVER),
    ("NV", LOS_ANGELES),
    ("NY", NEW_YORK),
    ("OH", NEW_YORK),
    ("OK", CHICAGO),
    ("OR", LOS_ANGELES),
    ("PA", NEW_YORK),
    ("PR", PUERTO_RICO),
    ("RI", NEW_YORK),
    ("SC", NEW_YORK),
    ("SD", CHICAGO),
    ("TN", CHICAGO),
    ("TX", CHICAGO),
    ("UT", DENVER),
    ("VA", NEW_YORK),
    ("VI", PUERTO_RICO),
    ("VT", NEW_YORK),
    ("WA", LOS_ANGELES),
    ("WI", CHICAGO),
    ("WV", NEW_YORK),
    ("WY", DENVER),
];

/// (state, first ZIP3, last ZIP3, zone): the parts of a state outside its main zone.
const ZIP3: &[(&str, &str, &str, &str)] = &[
    // The Navajo Nation keeps daylight saving time. 865 is its Apache County part (Window Rock,
    // Chinle); approximate: Chambers and Sanders lie off the reservation, while its towns in 860
    // (Kayenta, Tuba City) stay on Arizona time with Flagstaff and the Hopi villages.
    ("AZ", "865", "865", DENVER),
    // West of the Apalachicola River: Pensacola (325), Panama City (324). Approximate: Port St. Joe,
    // in 324, is Eastern.
    ("FL", "324", "325", CHICAGO),
    // North of the Salmon River: Lewiston (835), Coeur d'Alene (838).
    ("ID", "835", "835", LOS_ANGELES),
    ("ID", "838", "838", LOS_ANGELES),
    // The northwest (463, 464: Gary, Hammond, Valparaiso, La Porte) and the southwest (476, 477:
    // Evansville). Approximate: Starke, Jasper and Newton counties (465, 469, 479) and Perry and
    // part of Spencer (475, with Jasper and Vincennes) are Central but stay Eastern.
    ("IN", "463", "464", CHICAGO),
    ("IN", "476", "477", CHICAGO),
    // The west: Paducah (420), Bowling Green (421, 422), Owensboro (423), Henderson (424).
    // Approximate: 427 (Elizabethtown) stays Eastern with Hardin, Larue and Taylor counties, though
    // Adair, Cumberland, Grayson, Green and Hart are Central; so are Breckinridge (401), Clinton and
    // Russell (426).
    ("KY", "420", "424", CHICAGO),
    // The southwest (Dickinson, Bowman, Hettinger). Approximate: Glen Ullin and Hebron, in 586, are Central
    // with the rest of Morton County; some Mountain places in 585 and 588 stay Central.
    ("ND", "586", "586", DENVER),
    // The Panhandle (693: Scottsbluff, Alliance, Chadron). Approximate: 691 stays Central with North
    // Platte, Cozad and Gothenburg, most of its people, though Sidney, Ogallala and Kimball are
    // Mountain; so are Imperial and Benkelman (690).
    ("NE", "693", "693", DENVER),
    // Malheur County (Ontario, Nyssa, Vale). Approximate: Drewsey (Harney County) is Pacific.
    ("OR", "979", "979", BOISE),
    // West of the Missouri: Rapid City (577), Eagle Butte, Lemmon, McLaughlin (576). Approximate:
    // Mobridge (576) is Central; Philip, Kadoka and Martin (575) are Mountain.
    ("SD", "576", "577", DENVER),
    // East Tennessee: Chattanooga (373, 374), Johnson City (376), Knoxville (377-379). Approximate: 373
    // also serves Central counties (Tullahoma, Winchester, Fayetteville, Jasper), fewer people than its
    // Eastern ones (Cleveland, Athens, Chattanooga's suburbs).
    ("TN", "373", "374", NEW_YORK),
    ("TN", "376", "379", NEW_YORK),
    // El Paso (798, 799, 885), Hudspeth and Culberson counties. Approximate: the Big Bend (Alpine,
    // Marfa, Presidio, Sanderson), in 798, is Central.
    ("TX", "798", "799", DENVER),
    ("TX", "885", "885", DENVER),
];

/// (state, zone, ZIP codes): places no ZIP3 rule can reach, every ZIP code of them.
const ZIP5: &[(&str, &str, &[&str])] = &[
    // The Aleutians west of 169°30′ W: Adak, Atka.
    ("AK", ADAK, &["99546", "99547"]),
    // Sherman (Goodland), Wallace, Greeley and Hamilton (Syracuse) counties, in 677 and 678.
    ("KS", DENVER, &["67733", "67735", "67741", "67758", "67761", "67762", "67836", "67857", "67878", "67879"]),
    // Michigan's Central counties, a minority of 498 and 499 (Marquette, Escanaba, Houghton are Eastern).
    // Dickinson: Iron Mountain, Kingsford, Norway…
    (
        "MI",
        CHICAGO,
        &["49801", "49802", "49815", "49831", "49834", "49852", "49870", "49876", "49877", "49881", "49892"],
    ),
    // Menominee: Menominee, Stephenson, Powers…
    (
        "MI",
        CHICAGO,
        &[
            "49812", "49813", "49821", "49845", "49847", "49848", "49858", "49863", "49873", "49874", "49886", "49887",
            "49893", "49896",
        ],
    ),
    // Iron: Iron River, Crystal Falls…
    ("MI", CHICAGO, &["49902", "49903", "49915", "49920", "49927", "49935", "49964"]),
    // Gogebic: Ironwood, Bessemer, Wakefield…
    ("MI", CHICAGO, &["49911", "49938", "49947", "49959", "49968", "49969"]),
    // West Wendover, on Mountain time since 1999.
    ("NV", DENVER, &["89883"]),
];

/// The IANA zone of a US postal address in `state` (a USPS code: the 50 states, DC, PR, VI, GU, AS,
/// MP; any case) with an optional ZIP code; `None` for an unknown state code.
///
/// A ZIP code decides only within its state, and only where the state is split between zones; a ZIP
/// code that is not "12345" or "12345-6789" is ignored, leaving the state's main zone. Coarse by
/// design (see the [module](self)): a time zone set on the debtor wins over this one.
pub fn zone_for(state: &str, zip: Option<&str>) -> Option<&'static str> {
    let state = state.trim();
    let &(code, main) = STATES.iter().find(|(code, _)| code.eq_ignore_ascii_case(state))?;
    let Some(zip) = zip.and_then(zip5) else { return Some(main) };
    if let Some(&(_, zone, _)) = ZIP5.iter().find(|(s, _, zips)| *s == code && zips.contains(&zip)) {
        return Some(zone);
    }
    let zip3 = &zip[..3];
    let rule = ZIP3.iter().find(|&&(s, first, last, _)| s == code && (first..=last).contains(&zip3));
    Some(rule.map_or(main, |&(_, _, _, zone)| zone))
}

/// The IANA zone of a free-text US postal address ("123 Main St, Austin, TX 78701-1234"), from the
/// state code and ZIP code that end it; `None` when it does not end so.
///
/// Words are split on white space, commas and semicolons. Trailing "USA", "US", "U.S.A.",
/// "United States" or "United States of America" is dropped; then the last word may be the ZIP code,
/// and the word before it (or the last word, without a ZIP code) must be a state code, any case: only
/// that trailing state counts, never a two-letter word earlier in the address. A last word with a digit
/// in it that is no US ZIP code ("Toronto ON M5X 1A9", "Perth WA 6000") marks a foreign address: `None`.
/// State names written out ("Texas") are not recognised. See [`zone_for`].
pub fn zone_from_address(address: &str) -> Option<&'static str> {
    let mut words: Vec<&str> = address
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty())
        .collect();
    drop_country(&mut words);
    let zip = match words.last() {
        Some(&last) if last.bytes().any(|b| b.is_ascii_digit()) => {
            words.pop();
            Some(zip5(last)?)
        }
        _ => None,
    };
    zone_for(words.last()?, zip)
}

/// "12345" of "12345" or "12345-6789"; `None` for anything else.
fn zip5(zip: &str) -> Option<&str> {
    let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
    let zip = zip.trim();
    let (five, plus4) = match zip.split_once('-') {
        Some((five, plus4)) => (five, Some(plus4)),
        None => (zip, None),
    };
    (digits(five, 5) && plus4.is_none_or(|p| digits(p, 4))).then_some(five)
}

/// Removes a trailing country name for the United States, if any.
fn drop_country(words: &mut Vec<&str>) {
    const NAMES: &[&[&str]] = &[&["united", "states", "of", "america"], &["united", "states"], &["usa"], &["us"]];
    // Case and dots aside: "U.S.A." is "usa".
    let same =
        |word: &str, name: &str| word.chars().filter(|c| *c != '.').map(|c| c.to_ascii_lowercase()).eq(name.chars());
    for name in NAMES {
        if let Some(start) = words.len().checked_sub(name.len()) {
            if words[start..].iter().zip(name.iter()).all(|(w, n)| same(w, n)) {
                words.truncate(start);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_states_follow_their_zip3_rules_on_both_sides_of_the_line() {
        let cases: &[(&str, Option<&str>, &str)] = &[
            ("FL", Some("32501"), CHICAGO),     // Pensacola
            ("FL", Some("32401"), CHICAGO),     // Panama City
            ("FL", Some("32301"), NEW_YORK),    // Tallahassee
            ("FL", Some("33101"), NEW_YORK),    // Miami
            ("TX", Some("79901"), DENVER),      // El Paso
            ("TX", Some("79855"), DENVER),      // Van Horn
            ("TX", Some("88510"), DENVER),      // El Paso
            ("TX", Some("79701"), CHICAGO),     // Midland
            ("ID", Some("83501"), LOS_ANGELES), // Lewiston
            ("ID", Some("83814"), LOS_ANGELES), // Coeur d'Alene
            ("ID", Some("83702"), BOISE),       // Boise
            ("ID", Some("83201"), BOISE),       // Pocatello
            ("OR", Some("97914"), BOISE),       // Ontario
            ("OR", Some("97201"), LOS_ANGELES), // Portland
            ("KY", Some("42001"), CHICAGO),     // Paducah
            ("KY", Some("42101"), CHICAGO),     // Bowling Green
            ("KY", Some("42240"), CHICAGO),     // Hopkinsville
            ("KY", Some("42301"), CHICAGO),     // Owensboro
            ("KY", Some("42420"), CHICAGO),     // Henderson
            ("KY", Some("42701"), NEW_YORK),    // Elizabethtown
            ("KY", Some("42501"), NEW_YORK),    // Somerset
            ("KY", Some("40202"), NEW_YORK),    // Louisville
            ("TN", Some("37402"), NEW_YORK),    // Chattanooga
            ("TN", Some("37311"), NEW_YORK),    // Cleveland
            ("TN", Some("37601"), NEW_YORK),    // Johnson City
            ("TN", Some("37902"), NEW_YORK),    // Knoxville
            ("TN", Some("37203"), CHICAGO),     // Nashville
            ("TN", Some("38103"), CHICAGO),     // Memphis
            ("TN", Some("38501"), CHICAGO),     // Cookeville
            ("IN", Some("46402"), CHICAGO),     // Gary
            ("IN", Some("46320"), CHICAGO),     // Hammond
            ("IN", Some("47708"), CHICAGO),     // Evansville
            ("IN", Some("47601"), CHICAGO),     // Boonville
            ("IN", Some("46204"), NEW_YORK),    // Indianapolis
            ("IN", Some("47546"), NEW_YORK),    // Jasper
            ("MI", Some("49801"), CHICAGO),     // Iron Mountain
            ("MI", Some("49858"), CHICAGO),     // Menominee
            ("MI", Some("49938"), CHICAGO),     // Ironwood
            ("MI", Some("49855"), NEW_YORK),    // Marquette
            ("MI", Some("49931"), NEW_YORK),    // Houghton
            ("MI", Some("48226"), NEW_YORK),    // Detroit
            ("ND", Some("58601"), DENVER),      // Dickinson
            ("ND", Some("58501"), CHICAGO),     // Bismarck
            ("SD", Some("57701"), DENVER),      // Rapid City
            ("SD", Some("57625"), DENVER),      // Eagle Butte
            ("SD", Some("57501"), CHICAGO),     // Pierre
            ("SD", Some("57104"), CHICAGO),     // Sioux Falls
            ("NE", Some("69361"), DENVER),      // Scottsbluff
            ("NE", Some("69101"), CHICAGO),     // North Platte
            ("NE", Some("68102"), CHICAGO),     // Omaha
            ("KS", Some("67735"), DENVER),      // Goodland
            ("KS", Some("67878"), DENVER),      // Syracuse
            ("KS", Some("67701"), CHICAGO),     // Colby
            ("KS", Some("67846"), CHICAGO),     // Garden City
            ("AK", Some("99546"), ADAK),        // Adak
            ("AK", Some("99685"), ANCHORAGE),   // Unalaska
            ("AK", Some("99501"), ANCHORAGE),   // Anchorage
            ("AZ", Some("85004"), PHOENIX),     // Phoenix
            ("AZ", Some("86001"), PHOENIX),     // Flagstaff
            ("AZ", Some("86515"), DENVER),      // Window Rock
            ("NV", Some("89883"), DENVER),      // West Wendover
            ("NV", Some("89801"), LOS_ANGELES), // Elko
        ];
        for &(state, zip, zone) in cases {
            assert_eq!(zone_for(state, zip), Some(zone), "{state} {zip:?}");
        }
    }

    #[test]
    fn states_and_territories_without_a_zip_take_their_main_zone() {
        let cases = [
            ("TX", CHICAGO),
            ("ID", BOISE),
            ("KY", NEW_YORK),
            ("AZ", PHOENIX),
            ("HI", HONOLULU),
            ("AK", ANCHORAGE),
            ("DC", NEW_YORK),
            ("PR", PUERTO_RICO),
            ("VI", PUERTO_RICO),
            ("GU", GUAM),
            ("MP", GUAM),
            ("AS", PAGO_PAGO),
            ("ca", LOS_ANGELES),
            (" Wy ", DENVER),
        ];
        for (state, zone) in cases {
            assert_eq!(zone_for(state, None), Some(zone), "{state}");
        }
        for unknown in ["", "XX", "TEX", "AE", "AP", "ON", "T"] {
            assert_eq!(zone_for(unknown, None), None, "{unknown}");
            assert_eq!(zone_for(unknown, Some("79901")), None, "{unknown}");
        }
    }

    #[test]
    fn a_malformed_zip_or_one_of_another_state_leaves_the_main_zone() {
        assert_eq!(zone_for("tx", Some("79901-1234")), Some(DENVER));
        assert_eq!(zone_for("TX", Some(" 79901 ")), Some(DENVER));
        for garbage in ["7990", "799011", "799011234", "79901-12", "79901-", "7990A", "ABCDE", "", "79901 1234"] {
            assert_eq!(zone_for("TX", Some(garbage)), Some(CHICAGO), "{garbage:?}");
        }
        assert_eq!(zone_for("NY", Some("79901")), Some(NEW_YORK), "El Paso's rule is Texas's");
        assert_eq!(zone_for("WI", Some("49938")), Some(CHICAGO));
        assert_eq!(zone_for("IN", Some("49938")), Some(NEW_YORK), "Ironwood's rule is Michigan's");
    }

    #[test]
    fn addresses_end_with_the_state_and_zip() {
        let cases: &[(&str, Option<&str>)] = &[
            ("123 Main St, Austin, TX 78701", Some(CHICAGO)),
            ("123 Main St\nAustin TX 78701-1234", Some(CHICAGO)),
            ("Austin, tx 78701", Some(CHICAGO)),
            ("Austin, TX, 78701", Some(CHICAGO)),
            ("PO Box 5, Nome, AK", Some(ANCHORAGE)),
            ("1 Main St, Adak, AK 99546", Some(ADAK)),
            ("500 N Mesa St, El Paso, TX 79901, USA", Some(DENVER)),
            ("1 Main St, Gary, IN 46402, United States", Some(CHICAGO)),
            ("1 Main St, Evansville, IN 47708 United States of America", Some(CHICAGO)),
            ("200 E Washington St, Phoenix, AZ 85004, U.S.A.", Some(PHOENIX)),
            ("1 Main St, Pierre, SD 57501 us", Some(CHICAGO)),
            ("Apt 4, Suite IN, 100 Main St, Boise ID 83702", Some(BOISE)),
            ("12 Ore St, Suite OR, Ironwood, MI 49938", Some(CHICAGO)),
            ("1600 Pennsylvania Ave NW, Washington, DC 20500", Some(NEW_YORK)),
            ("1 Calle Fortaleza, San Juan, PR 00901", Some(PUERTO_RICO)),
            ("2 Kalakaua Ave; Honolulu; HI 96815.", Some(HONOLULU)),
            ("1 Rue de Rivoli, Paris", None),
            ("1 Rue de Rivoli, 75001 Paris, France", None),
            ("100 King St W, Toronto, ON M5X 1A9", None),
            ("1 St Georges Tce, Perth WA 6000", None),
            ("123 Main St, Austin, TX 7870", None),
            ("123 Main St, Austin, Texas 78701", None),
            ("123 Main St, Apt 4", None),
            ("Unit 2050, APO AE 09012", None),
            ("USA", None),
            ("", None),
        ];
        for &(address, zone) in cases {
            assert_eq!(zone_from_address(address), zone, "{address:?}");
        }
    }

    #[test]
    fn every_zone_returned_is_a_canonical_iana_name() {
        // `Zone` lines of IANA's tz database (not links), spelled out once more to catch a typo.
        let canonical = [
            "America/New_York",
            "America/Chicago",
            "America/Denver",
            "America/Boise",
            "America/Phoenix",
            "America/Los_Angeles",
            "America/Anchorage",
            "America/Adak",
            "Pacific/Honolulu",
            "America/Puerto_Rico",
            "Pacific/Guam",
            "Pacific/Pago_Pago",
        ];
        assert_eq!(ZONES, canonical);
        let used: Vec<&str> =
            (STATES.iter().map(|s| s.1)).chain(ZIP3.iter().map(|r| r.3)).chain(ZIP5.iter().map(|r| r.1)).collect();
        for zone in &used {
            assert!(ZONES.contains(zone), "{zone} is not in ZONES");
        }
        for zone in ZONES {
            assert!(used.contains(zone), "{zone} is never used");
        }
    }

    #[test]
    fn the_tables_are_well_formed() {
        assert_eq!(STATES.len(), 56, "the 50 states, DC, PR, VI, GU, AS, MP");
        assert!(STATES.windows(2).all(|w| w[0].0 < w[1].0), "sorted, no duplicates");
        let known = |state: &str| STATES.iter().any(|s| s.0 == state);
        let is_digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        for &(state, first, last, zone) in ZIP3 {
            assert!(known(state) && is_digits(first, 3) && is_digits(last, 3) && first <= last, "{state} {first}");
            assert_ne!(zone_for(state, None), Some(zone), "{state} {first}: a rule for the main zone");
        }
        let mut zips: Vec<&str> = Vec::new();
        for &(state, zone, list) in ZIP5 {
            assert!(known(state));
            assert_ne!(zone_for(state, None), Some(zone), "{state}: a rule for the main zone");
            for zip in list {
                assert!(is_digits(zip, 5), "{zip}");
                assert!(!zips.contains(zip), "{zip} twice");
                zips.push(zip);
                assert_eq!(zone_for(state, Some(zip)), Some(zone), "{zip}");
            }
        }
    }
}
