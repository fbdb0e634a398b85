"""Invented Indonesian personal names for the synthetic data set (private).

The lists mix name traditions that are common in Kabupaten Bulungan (Bulungan and
Tidung Malay, Dayak Kenyah and Kayan, Bugis, Banjar, Javanese, Toraja and Christian
given names). Every full name is a random combination of a given name and one or two
further names, so the people of :func:`evalkit.simulate` are invented, never
real persons.
"""

from __future__ import annotations

import numpy as np

__all__ = ["person_names"]

MALE_GIVEN: tuple[str, ...] = (
    "Abdul",
    "Achmad",
    "Adi",
    "Agus",
    "Ahmad",
    "Akbar",
    "Alfian",
    "Andi",
    "Anang",
    "Ardiansyah",
    "Arif",
    "Aswin",
    "Bambang",
    "Bayu",
    "Benediktus",
    "Budi",
    "Dedi",
    "Denny",
    "Dimas",
    "Edy",
    "Eko",
    "Fajar",
    "Fauzan",
    "Ferdinan",
    "Gusti",
    "Hadi",
    "Hamzah",
    "Hendra",
    "Heri",
    "Ikhsan",
    "Ilham",
    "Imran",
    "Irfan",
    "Iwan",
    "Jefri",
    "Joko",
    "Kamaruddin",
    "Lukas",
    "Markus",
    "Marthen",
    "Muhammad",
    "Nanang",
    "Nur",
    "Paulus",
    "Rahmat",
    "Reza",
    "Rizal",
    "Rudi",
    "Ruslan",
    "Samsul",
    "Stefanus",
    "Syahrul",
    "Taufik",
    "Teguh",
    "Wahyu",
    "Yakobus",
    "Yohanes",
    "Yusuf",
    "Zainal",
    "Zulkifli",
)

FEMALE_GIVEN: tuple[str, ...] = (
    "Agustina",
    "Aisyah",
    "Anisa",
    "Ayu",
    "Dewi",
    "Dian",
    "Elisabeth",
    "Endang",
    "Erna",
    "Fitri",
    "Handayani",
    "Herlina",
    "Ika",
    "Indah",
    "Irma",
    "Juliana",
    "Kartika",
    "Kristina",
    "Lestari",
    "Lina",
    "Maria",
    "Marlina",
    "Mega",
    "Nining",
    "Nur",
    "Nurul",
    "Putri",
    "Rahayu",
    "Ratna",
    "Rina",
    "Rismawati",
    "Rosita",
    "Sari",
    "Siti",
    "Sri",
    "Suryani",
    "Susanti",
    "Theresia",
    "Tri",
    "Umi",
    "Wahyuni",
    "Wulan",
    "Yuliana",
    "Yulianti",
    "Yunita",
    "Zahra",
    "Fransiska",
    "Hasnah",
    "Nurhayati",
    "Andriani",
    "Magdalena",
    "Rosmiati",
    "Syamsiah",
    "Veronika",
    "Winarti",
    "Yosephina",
    "Hartini",
    "Kamariah",
    "Noor",
    "Salmah",
)

#: Further names (used after the given name); neutral between the genders.
FAMILY: tuple[str, ...] = (
    "Ajang",
    "Alamsyah",
    "Effendi",
    "Aryanto",
    "Asmara",
    "Bahtiar",
    "Batong",
    "Darmawan",
    "Fadillah",
    "Firmansyah",
    "Gunawan",
    "Hakim",
    "Halim",
    "Hamid",
    "Hasanuddin",
    "Hidayat",
    "Ingan",
    "Irawan",
    "Jaya",
    "Kurniawan",
    "Lahang",
    "Laing",
    "Lawing",
    "Lenjau",
    "Mahmud",
    "Maulana",
    "Mulyadi",
    "Nugroho",
    "Pasande",
    "Permana",
    "Pratama",
    "Rasyid",
    "Rahman",
    "Ramadhan",
    "Riyadi",
    "Saputra",
    "Saragih",
    "Setiawan",
    "Simanjuntak",
    "Sinaga",
    "Siregar",
    "Suhardi",
    "Sulaiman",
    "Suryadi",
    "Susilo",
    "Syahputra",
    "Tandi",
    "Tangdilintin",
    "Usat",
    "Umar",
    "Wibowo",
    "Widodo",
    "Wijaya",
    "Yulianto",
    "Yusran",
    "Zulkarnain",
    "Nurdin",
    "Rusdi",
    "Salim",
    "Anwar",
)


def person_names(genders: np.ndarray, rng: np.random.Generator) -> list[str]:
    """Invented full names, one per entry of ``genders`` (``"l"`` or ``"p"``).

    A name is a given name for the gender plus one further name (70%) or two (30%),
    drawn with ``rng``; the same generator state gives the same names.

    >>> import numpy as np
    >>> len(person_names(np.array(["l", "p"]), np.random.default_rng(1)))
    2
    """
    n = len(genders)
    male = rng.integers(0, len(MALE_GIVEN), n)
    female = rng.integers(0, len(FEMALE_GIVEN), n)
    fam1 = rng.integers(0, len(FAMILY), n)
    fam2 = rng.integers(0, len(FAMILY), n)
    two = rng.random(n) < 0.3
    out = []
    for i in range(n):
        given = MALE_GIVEN[male[i]] if genders[i] == "l" else FEMALE_GIVEN[female[i]]
        parts = [given, FAMILY[fam1[i]]]
        if two[i] and fam2[i] != fam1[i]:
            parts.insert(1, FAMILY[fam2[i]])
        out.append(" ".join(parts))
    return out
