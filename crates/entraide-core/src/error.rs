//! Validation errors: which field is wrong and why, in words a person can act on.

use serde::Serialize;

/// One field that failed validation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: String,
    pub message: String,
}

impl Invalid {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Every field that failed, so a form can show them all at once rather than one per try.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct Invalids(pub Vec<Invalid>);

impl Invalids {
    /// Runs a validation and keeps its error, if any, returning the value otherwise.
    pub fn check<T>(&mut self, result: Result<T, Invalid>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    pub fn push(&mut self, e: Invalid) {
        self.0.push(e);
    }

    pub fn into_result(self) -> Result<(), Invalids> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<Invalid> for Invalids {
    fn from(e: Invalid) -> Self {
        Self(vec![e])
    }
}

/// Checks a free-text field's length in characters (not bytes: names are not ASCII).
pub fn text(field: &str, value: &str, min: usize, max: usize) -> Result<String, Invalid> {
    let trimmed = value.trim();
    let chars = trimmed.chars().count();
    if chars < min {
        return Err(Invalid::new(
            field,
            if min == 1 {
                "is required".to_string()
            } else {
                format!("must be at least {min} characters")
            },
        ));
    }
    if chars > max {
        return Err(Invalid::new(
            field,
            format!("must be at most {max} characters (got {chars})"),
        ));
    }
    if trimmed.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Invalid::new(field, "must not contain control characters"));
    }
    Ok(trimmed.to_string())
}
