//! Accounts: who someone is (handle, display name) and what they may do (role).

use crate::error::{Invalid, Rule, text};
use serde::{Deserialize, Serialize};

crate::uuid_id!(
    /// An account: a person, a responder or an admin.
    AccountId
);

/// What an account may do. Everyone is a person; responders run crises; admins make responders.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Person,
    Responder,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Person => "person",
            Role::Responder => "responder",
            Role::Admin => "admin",
        }
    }

    /// Admins can do everything a responder can.
    pub fn is_responder(self) -> bool {
        matches!(self, Role::Responder | Role::Admin)
    }
}

impl std::str::FromStr for Role {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Invalid> {
        match s {
            "person" => Ok(Role::Person),
            "responder" => Ok(Role::Responder),
            "admin" => Ok(Role::Admin),
            other => Err(Invalid::new(
                "role",
                format!("unknown role {other:?}: expected person, responder or admin"),
            )),
        }
    }
}

/// Words that appear where a handle could in URLs (`/safety/confirm` beside
/// `/safety/{handle}`) or that would impersonate the service.
const RESERVED_HANDLES: &[&str] = &[
    "confirm",
    "reject",
    "current",
    "me",
    "admin",
    "root",
    "entraide",
    "responder",
    "support",
];

/// A public, unique name: 3 to 32 of `a-z 0-9 _ . -`, stored lowercase so that
/// "Marie" and "marie" can't be two people.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Handle(String);

impl Handle {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let handle = raw.trim().to_lowercase();
        let len = handle.chars().count();
        if !(3..=32).contains(&len) {
            return Err(Invalid::broke(
                "handle",
                Rule::HandleLength { min: 3, max: 32 },
            ));
        }
        if !handle
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '.' | '-'))
        {
            return Err(Invalid::broke("handle", Rule::HandleCharacters));
        }
        if RESERVED_HANDLES.contains(&handle.as_str()) {
            return Err(Invalid::broke("handle", Rule::HandleReserved { handle }));
        }
        Ok(Self(handle))
    }

    /// For values read back from the store, which were validated on the way in.
    pub fn from_trusted(handle: String) -> Self {
        Self(handle)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Handle {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Handle::parse(&raw).map_err(serde::de::Error::custom)
    }
}

impl std::fmt::Display for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown to contacts: 1 to 64 characters of any script.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        text("display_name", raw, 1, 64).map(Self)
    }

    pub fn from_trusted(name: String) -> Self {
        Self(name)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password as typed: only its length is checked here; it is hashed (Argon2id) before it
/// goes anywhere, and never printed.
pub struct Password(String);

impl Password {
    pub const MIN: usize = 8;
    pub const MAX: usize = 256;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let len = raw.chars().count();
        if len < Self::MIN {
            return Err(Invalid::broke(
                "password",
                Rule::TooShort { min: Self::MIN },
            ));
        }
        if len > Self::MAX {
            return Err(Invalid::broke("password", Rule::AtMost { max: Self::MAX }));
        }
        Ok(Self(raw.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_are_lowercased_and_checked() {
        assert_eq!(Handle::parse(" Marie.D ").unwrap().as_str(), "marie.d");
        assert!(Handle::parse("ab").is_err());
        assert!(Handle::parse("marie dupont").is_err());
        assert!(Handle::parse("hélène").is_err());
        assert!(Handle::parse(&"a".repeat(33)).is_err());
        assert!(
            Handle::parse("Confirm").is_err(),
            "would shadow /safety/confirm"
        );
    }

    #[test]
    fn display_names_count_characters_not_bytes() {
        assert!(DisplayName::parse(&"é".repeat(64)).is_ok());
        assert!(DisplayName::parse(&"é".repeat(65)).is_err());
        assert!(DisplayName::parse("   ").is_err());
    }

    #[test]
    fn passwords_never_print() {
        let p = Password::parse("correct horse").unwrap();
        assert!(!format!("{p:?}").contains("horse"));
        assert!(Password::parse("short").is_err());
    }

    #[test]
    fn roles_parse_and_rank() {
        assert_eq!("responder".parse::<Role>().unwrap(), Role::Responder);
        assert!("king".parse::<Role>().is_err());
        assert!(Role::Admin.is_responder());
        assert!(!Role::Person.is_responder());
    }
}
