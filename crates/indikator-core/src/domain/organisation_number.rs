use std::fmt;

use super::IdentityError;

/// A Norwegian organisation number: nine digits, the last a modulus-11 check
/// digit with weights 3, 2, 7, 6, 5, 4, 3, 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OrganisationNumber(u32);

const WEIGHTS: [u32; 8] = [3, 2, 7, 6, 5, 4, 3, 2];

impl OrganisationNumber {
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        let mut digits = [0u32; 9];
        if raw.len() != 9 {
            return Err(IdentityError::NotDigits(9));
        }
        for (d, b) in digits.iter_mut().zip(raw.bytes()) {
            *d = char::from(b).to_digit(10).ok_or(IdentityError::NotDigits(9))?;
        }
        let check = Self::check_digit(&digits[..8]).ok_or(IdentityError::NoCheckDigit)?;
        if check != digits[8] {
            return Err(IdentityError::CheckDigit);
        }
        Ok(Self(digits.iter().fold(0, |n, d| n * 10 + d)))
    }

    /// The check digit for eight leading digits; `None` when the remainder gives 10.
    pub fn check_digit(first_eight: &[u32]) -> Option<u32> {
        let sum: u32 = first_eight.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
        match 11 - sum % 11 {
            11 => Some(0),
            10 => None,
            digit => Some(digit),
        }
    }

    pub fn value(self) -> u32 {
        self.0
    }
}

impl fmt::Display for OrganisationNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_digits::<9>(f, self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_organisation_numbers_parse() {
        // Oslo kommune, Bergen kommune, Statistisk sentralbyrå.
        for raw in ["958935420", "964338531", "971526920"] {
            assert_eq!(OrganisationNumber::parse(raw).unwrap().to_string(), raw);
        }
    }

    #[test]
    fn nine_bytes_that_are_not_nine_ascii_digits_are_refused() {
        for raw in ["95893542a", "958935é0", "9589354 0", "+58935420"] {
            assert_eq!(OrganisationNumber::parse(raw), Err(IdentityError::NotDigits(9)), "{raw}");
        }
    }

    #[test]
    fn a_wrong_check_digit_is_refused() {
        assert_eq!(OrganisationNumber::parse("958935421"), Err(IdentityError::CheckDigit));
    }

    #[test]
    fn a_number_whose_remainder_gives_ten_is_refused() {
        // 3*1 + 2*0 + ... chosen so 11 - sum % 11 == 10.
        let first: Vec<u32> = (0..100_000_000u32)
            .map(|n| format!("{n:08}").chars().map(|c| c.to_digit(10).unwrap()).collect::<Vec<_>>())
            .find(|d| OrganisationNumber::check_digit(d).is_none())
            .unwrap();
        let raw: String = first.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect::<String>() + "0";
        assert_eq!(OrganisationNumber::parse(&raw), Err(IdentityError::NoCheckDigit));
    }

    #[test]
    fn wrong_length_or_non_digits_are_refused() {
        for raw in ["", "95893542", "9589354200", "95893542a", " 958935420", "９５８９３５４２０"] {
            assert_eq!(OrganisationNumber::parse(raw), Err(IdentityError::NotDigits(9)), "{raw:?}");
        }
    }
}
