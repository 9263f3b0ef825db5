//! Closed sets of names with their wire and database spelling: the one macro that
//! declares them, so every status, method and kind parses, prints and maps to its
//! PostgreSQL enum the same way.

/// Declares a closed set of names with their wire and database spelling: serde, the
/// OpenAPI schema (feature `openapi`), `as_str`, `Display`, `FromStr` and `ALL`; with
/// `as "pg_type"`, the PostgreSQL enum type it maps to (feature `sqlx`).
macro_rules! named_enum {
    ($(#[$meta:meta])* $name:ident as $pg:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $crate::names::named_enum!(
            $(#[$meta])*
            #[cfg_attr(feature = "sqlx", derive(sqlx::Type), sqlx(type_name = $pg, rename_all = "snake_case"))]
            $name { $($variant => $text),+ }
        );
    };
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable wire and database name.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    let names: Vec<&str> = Self::ALL.iter().map(|v| v.as_str()).collect();
                    format!("`{s}` is not one of {}", names.join(", "))
                })
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(s: String) -> Result<Self, String> {
                s.parse()
            }
        }
    };
}
pub(crate) use named_enum;
