use std::{fmt, sync::LazyLock};

use serde::Deserialize;

use super::IdentityError;

/// A county of one or more of the county structures, with its region.
#[derive(Debug, Deserialize)]
pub struct County {
    /// Two digits, as written.
    pub number: String,
    pub name: String,
    /// Which structures use this number: `pre-2020`, `2020-2023`, `2024-`.
    pub structures: Vec<String>,
    /// The region («landsdel»).
    pub region: String,
}

#[derive(Deserialize)]
struct CountyTable {
    counties: Vec<County>,
}

static COUNTIES: LazyLock<Vec<County>> = LazyLock::new(|| {
    let table: CountyTable =
        toml::from_str(include_str!("../../../../data/counties.toml")).expect("data/counties.toml is valid (tested)");
    table.counties
});

/// Position in [`COUNTIES`] by county number (00–99).
static BY_NUMBER: LazyLock<[Option<u8>; 100]> = LazyLock::new(|| {
    let mut index = [None; 100];
    for (i, c) in COUNTIES.iter().enumerate() {
        let n: usize = c.number.parse().expect("county numbers are two digits (tested)");
        index[n] = Some(i as u8);
    }
    index
});

/// The shipped county table (`data/counties.toml`).
pub fn counties() -> &'static [County] {
    &COUNTIES
}

/// The regions («landsdeler») of the county table, each once, in table order.
static REGIONS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    let mut regions: Vec<&'static str> = Vec::new();
    for c in counties() {
        if !regions.contains(&c.region.as_str()) {
            regions.push(c.region.as_str());
        }
    }
    regions
});

/// The regions («landsdeler»), each once, in the county table's order.
pub fn regions() -> &'static [&'static str] {
    &REGIONS
}

impl County {
    /// Position of this county's region in [`regions`].
    pub fn region_index(&self) -> u8 {
        regions().iter().position(|r| *r == self.region).expect("every county's region is listed") as u8
    }
}

/// A county number known in some county structure.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountyNumber(u8);

impl CountyNumber {
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        leading_zero_lost::<2>(raw)?;
        if raw.len() != 2 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentityError::NotDigits(2));
        }
        let number: u8 = raw.parse().map_err(|_| IdentityError::NotDigits(2))?;
        if BY_NUMBER[usize::from(number)].is_some() {
            Ok(Self(number))
        } else {
            Err(IdentityError::UnknownCounty(raw.to_owned()))
        }
    }

    pub fn county(self) -> &'static County {
        let i = BY_NUMBER[usize::from(self.0)].expect("only known numbers parse");
        &counties()[usize::from(i)]
    }

    pub fn value(self) -> u8 {
        self.0
    }
}

impl fmt::Display for CountyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_digits::<2>(f, u32::from(self.0))
    }
}

impl fmt::Debug for CountyNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CountyNumber({self})")
    }
}

/// Refuses a number of 1 to `N − 1` digits as one whose leading zero was lost.
fn leading_zero_lost<const N: usize>(raw: &str) -> Result<(), IdentityError> {
    if (1..N).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdentityError::LeadingZeroLost { given: raw.to_owned(), padded: format!("{raw:0>N$}") });
    }
    Ok(())
}

/// A four-digit municipality number whose first two digits are a known county.
/// Never zero (no county is 00), so an `Option` of one takes two bytes.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MunicipalityNumber(std::num::NonZeroU16);

impl MunicipalityNumber {
    pub fn parse(raw: &str) -> Result<Self, IdentityError> {
        leading_zero_lost::<4>(raw)?;
        if raw.len() != 4 || !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(IdentityError::NotDigits(4));
        }
        CountyNumber::parse(&raw[..2])?;
        if &raw[2..] == "00" {
            return Err(IdentityError::NoMunicipalityPart);
        }
        let n: u16 = raw.parse().map_err(|_| IdentityError::NotDigits(4))?;
        Ok(Self(std::num::NonZeroU16::new(n).ok_or(IdentityError::NoMunicipalityPart)?))
    }

    pub fn county(self) -> CountyNumber {
        CountyNumber((self.0.get() / 100) as u8)
    }

    pub fn value(self) -> u16 {
        self.0.get()
    }
}

impl fmt::Display for MunicipalityNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::write_digits::<4>(f, u32::from(self.0.get()))
    }
}

impl fmt::Debug for MunicipalityNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MunicipalityNumber({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_county_table_covers_all_three_structures() {
        let count = |s: &str| counties().iter().filter(|c| c.structures.iter().any(|x| x == s)).count();
        assert_eq!(count("pre-2020"), 20, "19 counties plus Trøndelag (50) from 2018");
        assert_eq!(count("2020-2023"), 11);
        assert_eq!(count("2024-"), 15);
        let regions: std::collections::BTreeSet<_> = counties().iter().map(|c| c.region.as_str()).collect();
        assert_eq!(regions.len(), 5);
        assert_eq!(super::regions().len(), 5);
        assert!(counties().iter().all(|c| super::regions()[usize::from(c.region_index())] == c.region));
    }

    #[test]
    fn municipality_numbers_from_each_structure_parse() {
        for (raw, county, name) in
            [("0301", "03", "Oslo"), ("1103", "11", "Rogaland"), ("3005", "30", "Viken"), ("5501", "55", "Troms")]
        {
            let m = MunicipalityNumber::parse(raw).unwrap();
            assert_eq!(m.to_string(), raw);
            assert_eq!(m.county().to_string(), county);
            assert_eq!(m.county().county().name, name);
        }
    }

    #[test]
    fn a_municipality_number_with_an_unknown_county_is_refused() {
        assert_eq!(MunicipalityNumber::parse("1301"), Err(IdentityError::UnknownCounty("13".into())));
        assert_eq!(MunicipalityNumber::parse("9901"), Err(IdentityError::UnknownCounty("99".into())));
    }

    #[test]
    fn malformed_municipality_numbers_are_refused() {
        for raw in ["03011", "03a1", "", "+301"] {
            assert_eq!(MunicipalityNumber::parse(raw), Err(IdentityError::NotDigits(4)), "{raw}");
        }
        assert_eq!(MunicipalityNumber::parse("0300"), Err(IdentityError::NoMunicipalityPart));
    }

    #[test]
    fn a_number_short_of_its_leading_zero_says_so() {
        let lost = MunicipalityNumber::parse("301").unwrap_err();
        assert_eq!(lost, IdentityError::LeadingZeroLost { given: "301".into(), padded: "0301".into() });
        assert_eq!(
            lost.to_string(),
            "must be exactly 4 digits: 301 looks like 0301 with its leading zero lost (a spreadsheet that read the \
             column as numbers?); write 0301, and keep the column as text"
        );
        assert!(
            matches!(MunicipalityNumber::parse("1"), Err(IdentityError::LeadingZeroLost { padded, .. }) if padded == "0001")
        );
        assert!(
            matches!(CountyNumber::parse("3"), Err(IdentityError::LeadingZeroLost { padded, .. }) if padded == "03")
        );
    }
}
