//! The worklist's state as kept in the URL query (filters, search, sort, cursor, page
//! size), so the back button and a shared link show the same list.

use crate::format::url_encode;

pub const PAGE_SIZE: u32 = 25;
/// The page sizes offered (`limit` in the URL); the API accepts up to 200.
pub const PAGE_SIZES: [u32; 4] = [25, 50, 100, 200];

/// The worklist's state, as kept in the URL query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filters {
    pub status: String,
    pub priority: String,
    pub balance_min: String,
    pub balance_max: String,
    pub bucket: String,
    pub collector: String,
    /// The accounts one import placed (its id).
    pub import: String,
    /// `true`: only the accounts whose debtor may be called now (the API's
    /// `contactable_now`); empty otherwise.
    pub contactable_now: String,
    pub q: String,
    pub sort: String,
    pub order: String,
    pub cursor: String,
    /// The page size, when not the default.
    pub limit: String,
}

impl Filters {
    /// Reads the state from a query lookup (`?status=…&sort=…`).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let v = |k: &str| get(k).map(|s| s.trim().to_string()).unwrap_or_default();
        let sort = v("sort");
        let order = v("order");
        Filters {
            status: v("status"),
            priority: v("priority"),
            balance_min: v("balance_min"),
            balance_max: v("balance_max"),
            bucket: v("bucket"),
            collector: v("collector"),
            import: v("import"),
            contactable_now: if v("contactable_now") == "true" { "true".into() } else { String::new() },
            q: v("q"),
            sort: if ["created", "balance", "priority", "days_past_due", "contactable"].contains(&sort.as_str()) {
                sort
            } else {
                String::new()
            },
            order: if order == "asc" || order == "desc" { order } else { String::new() },
            cursor: v("cursor"),
            limit: {
                let l = v("limit");
                match l.parse::<u32>() {
                    Ok(n) if n != PAGE_SIZE && PAGE_SIZES.contains(&n) => l,
                    _ => String::new(),
                }
            },
        }
    }

    fn pairs(&self) -> [(&'static str, &str); 12] {
        [
            ("status", &self.status),
            ("priority", &self.priority),
            ("balance_min", &self.balance_min),
            ("balance_max", &self.balance_max),
            ("bucket", &self.bucket),
            ("collector", &self.collector),
            ("import", &self.import),
            ("contactable_now", &self.contactable_now),
            ("q", &self.q),
            ("sort", &self.sort),
            ("order", &self.order),
            ("cursor", &self.cursor),
        ]
    }

    fn filter_query(&self) -> Vec<String> {
        self.pairs().iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| format!("{k}={}", url_encode(v))).collect()
    }

    /// The page's query string: only what is set, in a fixed order.
    pub fn to_query(&self) -> String {
        let mut q = self.filter_query();
        if !self.limit.is_empty() {
            q.push(format!("limit={}", self.limit));
        }
        q.join("&")
    }

    /// How many filters narrow the list, besides the search (said on the button that
    /// shows them at phone width).
    pub fn narrowing(&self) -> usize {
        [
            &self.status,
            &self.priority,
            &self.balance_min,
            &self.balance_max,
            &self.bucket,
            &self.collector,
            &self.contactable_now,
        ]
        .into_iter()
        .filter(|v| !v.is_empty())
        .count()
    }

    /// The page size in effect.
    pub fn page_size(&self) -> u32 {
        self.limit.parse().unwrap_or(PAGE_SIZE)
    }

    /// The API's query string (`GET /accounts?…`).
    pub fn api_query(&self) -> String {
        let mut q = self.filter_query();
        q.push(format!("limit={}", self.page_size()));
        q.join("&")
    }

    /// The count's query string (`GET /accounts/count?…`): the filters alone, so paging
    /// or sorting does not count again.
    pub fn count_query(&self) -> String {
        let filters = self.pairs().into_iter().filter(|(k, _)| !matches!(*k, "sort" | "order" | "cursor"));
        filters
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", url_encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The sort in effect (the API's default: newest first) and its order (the API's
    /// default: descending, but ascending — callable first — for `contactable`).
    pub fn effective_sort(&self) -> (&str, &str) {
        let sort = if self.sort.is_empty() { "created" } else { &self.sort };
        let order = match self.order.as_str() {
            "" if sort == "contactable" => "asc",
            "" => "desc",
            order => order,
        };
        (sort, order)
    }

    /// Sorted by `sort` (`created`: the default) in its default order, from the first page.
    pub fn sorted_as(&self, sort: &str) -> Self {
        let sort = if sort == "created" { String::new() } else { sort.to_string() };
        Filters { sort, order: String::new(), cursor: String::new(), ..self.clone() }
    }

    /// Sorting by `column`: a second click flips the order; back to the first page.
    pub fn sorted_by(&self, column: &str) -> Self {
        let (sort, order) = self.effective_sort();
        let order = if sort == column && order == "desc" { "asc" } else { "desc" };
        Filters { sort: column.into(), order: order.into(), cursor: String::new(), ..self.clone() }
    }

    /// A filter changed: back to the first page.
    pub fn first_page(self) -> Self {
        Filters { cursor: String::new(), ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn the_filters_button_counts_what_narrows_the_list_but_not_the_search_or_the_order() {
        let f = Filters::from_lookup(lookup(&[("q", "Smith"), ("sort", "balance"), ("limit", "100")]));
        assert_eq!(f.narrowing(), 0);
        let f = Filters::from_lookup(lookup(&[("status", "assigned"), ("bucket", "90+"), ("balance_max", "10")]));
        assert_eq!(f.narrowing(), 3);
    }

    #[test]
    fn url_query_round_trips() {
        let f = Filters::from_lookup(lookup(&[
            ("status", "assigned,in_contact"),
            ("bucket", "90+"),
            ("q", "Smith Jones"),
            ("sort", "balance"),
            ("order", "asc"),
            ("balance_min", "100"),
        ]));
        assert_eq!(f.status, "assigned,in_contact");
        let q = f.to_query();
        assert_eq!(
            q,
            "status=assigned%2Cin_contact&balance_min=100&bucket=90%2B&q=Smith%20Jones&sort=balance&order=asc"
        );
        // What the router decodes from that query gives the same state back.
        let decoded: Vec<(String, String)> = q
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_string(), v.replace("%2C", ",").replace("%2B", "+").replace("%20", " "))
            })
            .collect();
        let back = Filters::from_lookup(|k| decoded.iter().find(|(dk, _)| dk == k).map(|(_, v)| v.clone()));
        assert_eq!(back, f);
    }

    #[test]
    fn empty_state_is_an_empty_query() {
        let f = Filters::from_lookup(lookup(&[]));
        assert_eq!(f, Filters::default());
        assert_eq!(f.to_query(), "");
        assert_eq!(f.api_query(), "limit=25");
        assert_eq!(f.effective_sort(), ("created", "desc"));
    }

    #[test]
    fn callable_now_is_a_filter_kept_in_the_url_and_counted() {
        let f = Filters::from_lookup(lookup(&[("contactable_now", "true"), ("sort", "contactable")]));
        assert_eq!(f.to_query(), "contactable_now=true&sort=contactable");
        assert_eq!(f.api_query(), "contactable_now=true&sort=contactable&limit=25");
        assert_eq!(f.count_query(), "contactable_now=true", "the count does not sort");
        assert_eq!(f.narrowing(), 1);
        // Callable first: the API's default order for that sort is ascending.
        assert_eq!(f.effective_sort(), ("contactable", "asc"));
        assert_eq!(f.sorted_by("contactable").effective_sort(), ("contactable", "desc"));
        for off in ["false", "1", ""] {
            assert_eq!(Filters::from_lookup(lookup(&[("contactable_now", off)])).to_query(), "", "{off}");
        }
    }

    #[test]
    fn a_sort_chosen_by_name_takes_its_default_order_from_the_first_page() {
        let f = Filters { sort: "balance".into(), order: "asc".into(), cursor: "c".into(), ..Default::default() };
        let callable = f.sorted_as("contactable");
        assert_eq!(callable.to_query(), "sort=contactable");
        assert_eq!(callable.sorted_as("created").to_query(), "");
        assert_eq!(callable.sorted_as("created").effective_sort(), ("created", "desc"));
    }

    #[test]
    fn unknown_sorts_are_dropped() {
        let f = Filters::from_lookup(lookup(&[("sort", "ssn"), ("order", "sideways")]));
        assert_eq!((f.sort.as_str(), f.order.as_str()), ("", ""));
    }

    #[test]
    fn sorting_toggles_and_resets_paging() {
        let f = Filters { cursor: "abc".into(), ..Default::default() };
        let by_balance = f.sorted_by("balance");
        assert_eq!(
            (by_balance.sort.as_str(), by_balance.order.as_str(), by_balance.cursor.as_str()),
            ("balance", "desc", "")
        );
        let flipped = by_balance.sorted_by("balance");
        assert_eq!(flipped.order, "asc");
        assert_eq!(flipped.sorted_by("balance").order, "desc");
        assert_eq!(flipped.sorted_by("priority").order, "desc");
    }

    #[test]
    fn api_query_keeps_filters_and_cursor() {
        let f = Filters { collector: "me".into(), cursor: "c1".into(), ..Default::default() };
        assert_eq!(f.api_query(), "collector=me&cursor=c1&limit=25");
        assert_eq!(f.first_page().api_query(), "collector=me&limit=25");
    }

    #[test]
    fn page_size_is_kept_in_the_url() {
        let f = Filters::from_lookup(lookup(&[("limit", "200"), ("status", "new")]));
        assert_eq!(f.to_query(), "status=new&limit=200");
        assert_eq!(f.api_query(), "status=new&limit=200");
        assert_eq!(f.first_page().page_size(), 200);
        // The default, and sizes not offered, are dropped.
        for l in ["25", "7", "1000", "x"] {
            let f = Filters::from_lookup(lookup(&[("limit", l)]));
            assert_eq!((f.to_query().as_str(), f.api_query().as_str()), ("", "limit=25"));
        }
    }
}
