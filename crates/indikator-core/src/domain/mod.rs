//! Domain newtypes for who answered (docs/method.md §4). Each `parse`s its raw input
//! and cannot hold an invalid value.
//!
//! Imports nothing of the crate.

mod county;
mod organisation_number;
mod respondent;

pub use county::{County, CountyNumber, MunicipalityNumber, counties, regions};
pub use organisation_number::OrganisationNumber;
pub use respondent::{Respondent, RespondentKind, SizeClass};

/// Why an identity value was refused; the text is the field violation's description.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("must be exactly {0} digits")]
    NotDigits(usize),
    /// Fewer digits than the number has: what a spreadsheet makes of `0301`
    /// when it reads the column as numbers.
    #[error(
        "must be exactly {} digits: {given} looks like {padded} with its leading zero lost (a spreadsheet that \
         read the column as numbers?); write {padded}, and keep the column as text",
        padded.len()
    )]
    LeadingZeroLost { given: String, padded: String },
    #[error("check digit does not match (modulus 11, weights 3,2,7,6,5,4,3,2)")]
    CheckDigit,
    #[error("has no valid check digit (modulus 11 remainder gives 10)")]
    NoCheckDigit,
    #[error("county {0} is not a county number in the pre-2020, 2020–2023 or 2024– structure")]
    UnknownCounty(String),
    #[error("municipality number must not end in 00")]
    NoMunicipalityPart,
}

/// Writes `value` as exactly `N` decimal digits (leading zeros kept): the
/// identity numbers are printed on every score card, and this is several
/// times cheaper than `{:0N}` formatting.
fn write_digits<const N: usize>(f: &mut std::fmt::Formatter<'_>, mut value: u32) -> std::fmt::Result {
    let mut digits = [b'0'; N];
    for d in digits.iter_mut().rev() {
        *d = b'0' + (value % 10) as u8;
        value /= 10;
    }
    f.write_str(std::str::from_utf8(&digits).map_err(|_| std::fmt::Error)?)
}
