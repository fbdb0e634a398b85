"""Catalogues behind the synthetic Tanjung Selor data set (private).

Units of Kabupaten Bulungan (OPD, RSUD, puskesmas, schools, kecamatan and kelurahan
offices), the jobs that staff them, the performance-indicator catalogue by sector and
the public services that citizens rate. Names of units are real OPD and place names of
the regency (reference/regulations.md §6); everything about people is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "FIRST_LINE",
    "GRADES_PNS",
    "INDICATORS",
    "JF_LEVELS",
    "JOBS",
    "KECAMATAN",
    "KELURAHAN",
    "NAKES_POSITIONS",
    "OPDS",
    "SERVICES",
    "VAGUE_INDICATORS",
    "Job",
    "Opd",
    "readme",
]

#: Golongan of PNS from I/a (index 0) to IV/e (index 16).
GRADES_PNS: tuple[str, ...] = tuple(
    f"{g}/{r}" for g in ("I", "II", "III", "IV") for r in "abcd" + ("e" if g == "IV" else "")
)

#: The ten kecamatan of Kabupaten Bulungan; Tanjung Selor first (the capital).
KECAMATAN: tuple[str, ...] = (
    "Tanjung Selor",
    "Tanjung Palas",
    "Tanjung Palas Utara",
    "Tanjung Palas Timur",
    "Tanjung Palas Tengah",
    "Tanjung Palas Barat",
    "Sekatak",
    "Peso",
    "Peso Hilir",
    "Bunyu",
)

#: Kelurahan of Kecamatan Tanjung Selor.
KELURAHAN: tuple[str, ...] = ("Tanjung Selor Hilir", "Tanjung Selor Hulu", "Tanjung Selor Timur")

#: JF levels: code and the words used in the position name.
JF_LEVELS: dict[str, str] = {
    "ahli_pertama": "Ahli Pertama",
    "ahli_muda": "Ahli Muda",
    "ahli_madya": "Ahli Madya",
    "ahli_utama": "Ahli Utama",
    "pemula": "Pemula",
    "terampil": "Terampil",
    "mahir": "Mahir",
    "penyelia": "Penyelia",
}


@dataclass(frozen=True)
class Opd:
    """An organisation unit of the regency secretariat level (OPD)."""

    unit_id: str
    name: str
    kind: str
    sector: str
    weight: float  # expected headcount at 2,000 employees
    head: str
    mids: tuple[str, ...]
    specialists: tuple[str, ...] = ("Analis Kebijakan", "Pranata Komputer", "Perencana")
    service_population: int | None = None


FIRST_LINE = (
    "Kepala Sub Bagian Umum dan Kepegawaian",
    "Kepala Sub Bagian Keuangan",
    "Kepala Seksi Pelayanan",
    "Kepala Seksi Data dan Informasi",
    "Kepala Seksi Pembinaan",
    "Kepala Seksi Pengendalian",
)

OPDS: tuple[Opd, ...] = (
    Opd(
        "SETDA",
        "Sekretariat Daerah Kabupaten Bulungan",
        "sekretariat",
        "administrasi",
        60,
        "Sekretaris Daerah",
        (
            "Kepala Bagian Pemerintahan",
            "Kepala Bagian Organisasi",
            "Kepala Bagian Hukum",
            "Kepala Bagian Umum",
        ),
    ),
    Opd(
        "SETWAN",
        "Sekretariat DPRD Kabupaten Bulungan",
        "sekretariat",
        "administrasi",
        30,
        "Sekretaris DPRD",
        ("Kepala Bagian Persidangan", "Kepala Bagian Umum dan Keuangan"),
    ),
    Opd(
        "INSPEKTORAT",
        "Inspektorat Daerah Kabupaten Bulungan",
        "inspektorat",
        "administrasi",
        30,
        "Inspektur",
        ("Sekretaris", "Inspektur Pembantu I", "Inspektur Pembantu II"),
        ("Auditor", "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah"),
    ),
    Opd(
        "DISDIKBUD",
        "Dinas Pendidikan dan Kebudayaan Kabupaten Bulungan",
        "dinas",
        "pendidikan",
        45,
        "Kepala Dinas",
        (
            "Kepala Bidang Pembinaan Sekolah Dasar",
            "Kepala Bidang Pembinaan Sekolah Menengah Pertama",
            "Sekretaris",
            "Kepala Bidang Ketenagaan",
        ),
        ("Pengembang Teknologi Pembelajaran", "Analis Kebijakan", "Pranata Komputer"),
    ),
    Opd(
        "DINKES",
        "Dinas Kesehatan Kabupaten Bulungan",
        "dinas",
        "kesehatan",
        45,
        "Kepala Dinas",
        (
            "Kepala Bidang Pelayanan Kesehatan",
            "Kepala Bidang Kesehatan Masyarakat",
            "Sekretaris",
            "Kepala Bidang Pencegahan dan Pengendalian Penyakit",
        ),
        ("Epidemiolog Kesehatan", "Administrator Kesehatan", "Penyuluh Kesehatan Masyarakat"),
    ),
    Opd(
        "DISDUKCAPIL",
        "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bulungan",
        "dinas",
        "administrasi",
        30,
        "Kepala Dinas",
        (
            "Sekretaris",
            "Kepala Bidang Pelayanan Pendaftaran Penduduk",
            "Kepala Bidang Pelayanan Pencatatan Sipil",
        ),
        ("Administrator Database Kependudukan", "Pranata Komputer"),
        150_000,
    ),
    Opd(
        "DPMPTSP",
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Bulungan",
        "dinas",
        "administrasi",
        25,
        "Kepala Dinas",
        ("Sekretaris", "Kepala Bidang Pelayanan Perizinan"),
        ("Penata Perizinan", "Analis Kebijakan"),
        6_000,
    ),
    Opd(
        "DINSOS",
        "Dinas Sosial Kabupaten Bulungan",
        "dinas",
        "administrasi",
        25,
        "Kepala Dinas",
        ("Sekretaris", "Kepala Bidang Perlindungan dan Jaminan Sosial"),
        ("Pekerja Sosial", "Penyuluh Sosial"),
        12_000,
    ),
    Opd(
        "DPUPR",
        "Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Bulungan",
        "dinas",
        "administrasi",
        45,
        "Kepala Dinas",
        (
            "Sekretaris",
            "Kepala Bidang Bina Marga",
            "Kepala Bidang Cipta Karya",
            "Kepala Bidang Sumber Daya Air",
        ),
        ("Teknik Jalan dan Jembatan", "Penata Ruang", "Teknik Pengairan"),
    ),
    Opd(
        "DISHUB",
        "Dinas Perhubungan Kabupaten Bulungan",
        "dinas",
        "administrasi",
        25,
        "Kepala Dinas",
        ("Sekretaris", "Kepala Bidang Lalu Lintas"),
        ("Penguji Kendaraan Bermotor", "Analis Kebijakan"),
    ),
    Opd(
        "DLH",
        "Dinas Lingkungan Hidup Kabupaten Bulungan",
        "dinas",
        "administrasi",
        30,
        "Kepala Dinas",
        ("Sekretaris", "Kepala Bidang Pengelolaan Sampah"),
        ("Pengendali Dampak Lingkungan", "Pengawas Lingkungan Hidup"),
    ),
    Opd(
        "BKPSDM",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kabupaten Bulungan",
        "badan",
        "administrasi",
        30,
        "Kepala Badan",
        ("Sekretaris", "Kepala Bidang Mutasi dan Promosi", "Kepala Bidang Pengembangan Kompetensi"),
        ("Analis Sumber Daya Manusia Aparatur", "Pranata Komputer"),
    ),
    Opd(
        "BAPPEDA",
        "Badan Perencanaan Pembangunan Daerah dan Penelitian Pengembangan Kabupaten Bulungan",
        "badan",
        "administrasi",
        25,
        "Kepala Badan",
        ("Sekretaris", "Kepala Bidang Perencanaan dan Evaluasi"),
        ("Perencana", "Peneliti"),
    ),
    Opd(
        "BPKAD",
        "Badan Pengelolaan Keuangan dan Aset Daerah Kabupaten Bulungan",
        "badan",
        "administrasi",
        35,
        "Kepala Badan",
        ("Sekretaris", "Kepala Bidang Anggaran", "Kepala Bidang Perbendaharaan"),
        ("Analis Pengelolaan Keuangan APBD", "Penata Kelola Barang Milik Daerah"),
    ),
    Opd(
        "BAPENDA",
        "Badan Pendapatan Daerah Kabupaten Bulungan",
        "badan",
        "administrasi",
        25,
        "Kepala Badan",
        ("Sekretaris", "Kepala Bidang Pajak Daerah"),
        ("Pemeriksa Pajak Daerah", "Analis Kebijakan"),
        25_000,
    ),
)


@dataclass(frozen=True)
class Job:
    """A kind of job: how its holders are classified and drawn."""

    position: str
    position_type: str
    family: str  # indicator family: guru, klinis, admin
    jf: str | None = None  # "ahli", "terampil", "mix" (half each) or None
    female: float = 0.5
    pppk: float = 0.0
    pppk_grade: str = "IX"
    grades: tuple[int, int] = (8, 11)  # PNS golongan index: entry, cap
    ages: tuple[int, int] = (23, 56)
    front: bool = False
    titles: tuple[str, ...] = ("S.E.", "S.Sos.", "S.H.", "S.AP.", "S.Kom.", "S.IP.")
    prefix: str = ""


_MGR_TITLES = ("S.Sos., M.Si.", "S.H., M.H.", "S.E., M.M.", "S.T., M.T.", "S.IP., M.AP.")

JOBS: dict[str, Job] = {
    "jpt": Job("", "jpt", "admin", female=0.3, grades=(14, 15), ages=(46, 56), titles=_MGR_TITLES),
    "administrator": Job(
        "", "administrator", "admin", female=0.4, grades=(12, 13), ages=(40, 56), titles=_MGR_TITLES
    ),
    "pengawas": Job("", "pengawas", "admin", female=0.45, grades=(10, 12), ages=(35, 56)),
    "pelaksana": Job(
        "Pengadministrasi Perkantoran",
        "pelaksana",
        "admin",
        female=0.5,
        pppk=0.15,
        pppk_grade="V",
        grades=(4, 11),
        ages=(22, 56),
        titles=("", "", "S.E."),
    ),
    "counter": Job(
        "Operator Layanan Operasional",
        "pelaksana",
        "admin",
        female=0.6,
        pppk=0.2,
        pppk_grade="V",
        grades=(4, 10),
        ages=(22, 50),
        front=True,
        titles=("", "", "S.Sos.", "S.Kom."),
    ),
    "specialist": Job(
        "", "fungsional", "admin", jf="ahli", female=0.5, pppk=0.1, grades=(8, 14), ages=(24, 56)
    ),
    "guru": Job(
        "Guru",
        "fungsional",
        "guru",
        jf="ahli",
        female=0.7,
        pppk=0.35,
        grades=(8, 14),
        ages=(23, 56),
        front=True,
        titles=("S.Pd.", "S.Pd.", "S.Pd., M.Pd."),
    ),
    "kepsek": Job(
        "Kepala Sekolah",
        "fungsional",
        "guru",
        female=0.5,
        grades=(12, 13),
        ages=(42, 56),
        titles=("S.Pd., M.Pd.", "S.Pd."),
    ),
    "operator_sekolah": Job(
        "Pengadministrasi Sekolah",
        "pelaksana",
        "admin",
        female=0.5,
        pppk=0.3,
        pppk_grade="V",
        grades=(4, 9),
        ages=(22, 50),
        titles=("", "S.Kom."),
    ),
    "dokter": Job(
        "Dokter",
        "fungsional",
        "klinis",
        jf="ahli",
        female=0.55,
        pppk=0.15,
        grades=(9, 14),
        ages=(26, 56),
        front=True,
        titles=("",),
        prefix="dr.",
    ),
    "perawat": Job(
        "Perawat",
        "fungsional",
        "klinis",
        jf="mix",
        female=0.75,
        pppk=0.3,
        pppk_grade="VII",
        grades=(6, 12),
        ages=(22, 56),
        front=True,
        titles=("A.Md.Kep.", "S.Kep., Ns."),
    ),
    "bidan": Job(
        "Bidan",
        "fungsional",
        "klinis",
        jf="terampil",
        female=1.0,
        pppk=0.3,
        pppk_grade="VII",
        grades=(6, 11),
        ages=(22, 56),
        front=True,
        titles=("A.Md.Keb.", "A.Md.Keb.", "S.Tr.Keb."),
    ),
    "apoteker": Job(
        "Apoteker",
        "fungsional",
        "klinis",
        jf="ahli",
        female=0.7,
        pppk=0.2,
        grades=(8, 13),
        titles=("S.Farm., Apt.",),
    ),
    "nakes": Job(
        "Pranata Laboratorium Kesehatan",
        "fungsional",
        "klinis",
        jf="terampil",
        female=0.6,
        pppk=0.25,
        pppk_grade="VII",
        grades=(6, 11),
        titles=("A.Md.AK.", "A.Md.KL.", "A.Md.Gz."),
    ),
    "kapus": Job(
        "Kepala Puskesmas",
        "pengawas",
        "klinis",
        female=0.5,
        grades=(10, 12),
        ages=(35, 56),
        titles=("S.KM., M.Kes.", "S.Kep., Ns.", ""),
    ),
    "direktur": Job(
        "Direktur",
        "administrator",
        "klinis",
        female=0.4,
        grades=(13, 14),
        ages=(42, 56),
        titles=("M.Kes.",),
        prefix="dr.",
    ),
}

#: Other health professions drawn for the ``nakes`` job: (position, title).
NAKES_POSITIONS: tuple[tuple[str, str], ...] = (
    ("Pranata Laboratorium Kesehatan", "A.Md.AK."),
    ("Sanitarian", "A.Md.KL."),
    ("Nutrisionis", "A.Md.Gz."),
    ("Radiografer", "A.Md.Rad."),
    ("Asisten Apoteker", "A.Md.Farm."),
)

#: Public services rated by citizens, by unit kind (and by unit_id for service OPD):
#: (service names, mean SKM responses per quarter, share of responses that name an officer
#: for the first service; the first service is the one delivered by a named officer).
SERVICES: dict[str, tuple[tuple[str, ...], float, float]] = {
    "sekolah": (("Layanan pembelajaran", "Layanan administrasi sekolah"), 22, 0.65),
    "puskesmas": (
        (
            "Pelayanan rawat jalan",
            "Pelayanan imunisasi",
            "Pelayanan KIA dan KB",
            "Pelayanan laboratorium",
        ),
        45,
        0.55,
    ),
    "rsud": (("Rawat jalan", "Rawat inap", "Instalasi gawat darurat", "Farmasi"), 90, 0.5),
    "kecamatan": (
        ("Pelayanan administrasi terpadu kecamatan (PATEN)", "Rekomendasi dan surat keterangan"),
        25,
        0.45,
    ),
    "kelurahan": (("Surat pengantar dan keterangan domisili", "Surat keterangan usaha"), 18, 0.45),
    "DISDUKCAPIL": (
        ("Perekaman KTP-el", "Penerbitan kartu keluarga", "Penerbitan akta kelahiran"),
        80,
        0.45,
    ),
    "DPMPTSP": (("Perizinan berusaha", "Persetujuan bangunan gedung"), 35, 0.45),
    "DINSOS": (("Pendaftaran bantuan sosial", "Rekomendasi PBI jaminan kesehatan"), 30, 0.45),
    "BAPENDA": (("Pembayaran PBB-P2", "Pendaftaran wajib pajak daerah"), 30, 0.45),
}

#: Indicator catalogue. Each entry: (indicator_id, sector, unit_id or None, name,
#: unit_of_measure, direction, target_kind, family, target_low, target_high, decimals, cap).
#: ``family`` says whose SKP uses it: guru (teachers), klinis (health staff), admin.
INDICATORS: tuple[tuple, ...] = (
    (
        "PDK01",
        "pendidikan",
        None,
        "Skor observasi pengelolaan kelas oleh kepala sekolah",
        "persen",
        "higher",
        "kuantitatif",
        "guru",
        75,
        90,
        1,
        100,
    ),
    (
        "PDK02",
        "pendidikan",
        None,
        "Rata-rata nilai asesmen sumatif peserta didik",
        "nilai",
        "higher",
        "kuantitatif",
        "guru",
        70,
        80,
        1,
        100,
    ),
    (
        "PDK03",
        "pendidikan",
        None,
        "Persentase peserta didik mencapai kriteria ketercapaian tujuan pembelajaran",
        "persen",
        "higher",
        "kuantitatif",
        "guru",
        75,
        90,
        1,
        100,
    ),
    (
        "PDK04",
        "pendidikan",
        None,
        "Jumlah modul ajar yang disusun",
        "dokumen",
        "higher",
        "kuantitatif",
        "guru",
        4,
        12,
        0,
        None,
    ),
    (
        "PDK05",
        "pendidikan",
        None,
        "Persentase kehadiran peserta didik",
        "persen",
        "higher",
        "kuantitatif",
        "guru",
        90,
        95,
        1,
        100,
    ),
    (
        "PDK06",
        "pendidikan",
        None,
        "Jumlah jam pengembangan kompetensi diri",
        "jam",
        "higher",
        "kuantitatif",
        "guru",
        8,
        32,
        0,
        None,
    ),
    (
        "PDK07",
        "pendidikan",
        None,
        "Persentase peserta didik yang menerima umpan balik tertulis",
        "persen",
        "higher",
        "kuantitatif",
        "guru",
        70,
        90,
        1,
        100,
    ),
    (
        "PDK08",
        "pendidikan",
        None,
        "Jumlah kegiatan projek penguatan profil pelajar Pancasila",
        "kegiatan",
        "higher",
        "kuantitatif",
        "guru",
        1,
        4,
        0,
        None,
    ),
    (
        "KES01",
        "kesehatan",
        None,
        "Cakupan imunisasi dasar lengkap",
        "persen",
        "higher",
        "kuantitatif",
        "klinis",
        85,
        95,
        1,
        100,
    ),
    (
        "KES02",
        "kesehatan",
        None,
        "Rata-rata waktu tunggu pelayanan rawat jalan",
        "menit",
        "lower",
        "kuantitatif",
        "klinis",
        30,
        60,
        0,
        None,
    ),
    (
        "KES03",
        "kesehatan",
        None,
        "Persentase kepatuhan kebersihan tangan",
        "persen",
        "higher",
        "kuantitatif",
        "klinis",
        85,
        90,
        1,
        100,
    ),
    (
        "KES04",
        "kesehatan",
        None,
        "Cakupan kunjungan ibu hamil K6",
        "persen",
        "higher",
        "kuantitatif",
        "klinis",
        80,
        95,
        1,
        100,
    ),
    (
        "KES05",
        "kesehatan",
        None,
        "Persentase identifikasi pasien yang benar",
        "persen",
        "higher",
        "kuantitatif",
        "klinis",
        95,
        100,
        1,
        100,
    ),
    (
        "KES06",
        "kesehatan",
        None,
        "Waktu tanggap pelayanan gawat darurat",
        "menit",
        "lower",
        "kuantitatif",
        "klinis",
        5,
        10,
        0,
        None,
    ),
    (
        "KES07",
        "kesehatan",
        None,
        "Jumlah kunjungan rumah keluarga rawan kesehatan",
        "kunjungan",
        "higher",
        "kuantitatif",
        "klinis",
        10,
        40,
        0,
        None,
    ),
    (
        "KES08",
        "kesehatan",
        None,
        "Persentase kepatuhan penggunaan alat pelindung diri",
        "persen",
        "higher",
        "kuantitatif",
        "klinis",
        95,
        100,
        1,
        100,
    ),
    (
        "KES09",
        "kesehatan",
        None,
        "Cakupan balita ditimbang",
        "persen",
        "higher",
        "kuantitatif",
        "klinis",
        80,
        90,
        1,
        100,
    ),
    (
        "KES10",
        "kesehatan",
        None,
        "Persentase rekam medis lengkap dalam 24 jam",
        "persen",
        "higher",
        "kuantitatif",
        "klinis",
        80,
        95,
        1,
        100,
    ),
    (
        "ADM01",
        "administrasi",
        None,
        "Rata-rata waktu pemrosesan surat masuk",
        "hari",
        "lower",
        "kuantitatif",
        "admin",
        2,
        5,
        1,
        None,
    ),
    (
        "ADM02",
        "administrasi",
        None,
        "Jumlah dokumen yang diselesaikan",
        "dokumen",
        "higher",
        "kuantitatif",
        "admin",
        40,
        200,
        0,
        None,
    ),
    (
        "ADM03",
        "administrasi",
        None,
        "Persentase laporan disampaikan tepat waktu",
        "persen",
        "higher",
        "kuantitatif",
        "admin",
        85,
        100,
        1,
        100,
    ),
    (
        "ADM04",
        "administrasi",
        None,
        "Persentase pengaduan masyarakat yang ditindaklanjuti",
        "persen",
        "higher",
        "kuantitatif",
        "admin",
        80,
        95,
        1,
        100,
    ),
    (
        "ADM05",
        "administrasi",
        None,
        "Jumlah arsip yang ditata dan didigitalkan",
        "berkas",
        "higher",
        "kuantitatif",
        "admin",
        100,
        500,
        0,
        None,
    ),
    (
        "ADM06",
        "administrasi",
        None,
        "Persentase data kepegawaian yang mutakhir",
        "persen",
        "higher",
        "kuantitatif",
        "admin",
        90,
        100,
        1,
        100,
    ),
    (
        "ADM07",
        "administrasi",
        None,
        "Rata-rata waktu penyelesaian pembayaran tagihan",
        "hari",
        "lower",
        "kuantitatif",
        "admin",
        3,
        7,
        1,
        None,
    ),
    (
        "ADM08",
        "administrasi",
        None,
        "Jumlah rapat koordinasi yang difasilitasi",
        "kegiatan",
        "higher",
        "kuantitatif",
        "admin",
        4,
        12,
        0,
        None,
    ),
    (
        "ADM09",
        "administrasi",
        None,
        "Persentase realisasi anggaran kegiatan",
        "persen",
        "higher",
        "kuantitatif",
        "admin",
        85,
        95,
        1,
        100,
    ),
    (
        "ADM10",
        "administrasi",
        None,
        "Jumlah notula dan laporan kegiatan yang disusun",
        "dokumen",
        "higher",
        "kuantitatif",
        "admin",
        6,
        20,
        0,
        None,
    ),
    (
        "DUK01",
        "administrasi",
        "DISDUKCAPIL",
        "Rata-rata waktu penyelesaian dokumen kependudukan",
        "hari",
        "lower",
        "kuantitatif",
        "admin",
        1,
        3,
        1,
        None,
    ),
    (
        "DUK02",
        "administrasi",
        "DISDUKCAPIL",
        "Jumlah KTP-el yang dicetak",
        "keping",
        "higher",
        "kuantitatif",
        "admin",
        300,
        900,
        0,
        None,
    ),
    (
        "DUK03",
        "administrasi",
        "DISDUKCAPIL",
        "Persentase akta kelahiran terbit dalam satu hari",
        "persen",
        "higher",
        "kuantitatif",
        "admin",
        85,
        95,
        1,
        100,
    ),
    (
        "PTS01",
        "administrasi",
        "DPMPTSP",
        "Persentase permohonan izin selesai tepat waktu",
        "persen",
        "higher",
        "kuantitatif",
        "admin",
        90,
        100,
        1,
        100,
    ),
    (
        "PTS02",
        "administrasi",
        "DPMPTSP",
        "Jumlah izin yang diterbitkan",
        "izin",
        "higher",
        "kuantitatif",
        "admin",
        30,
        120,
        0,
        None,
    ),
    (
        "SOS01",
        "administrasi",
        "DINSOS",
        "Jumlah data penerima bantuan sosial yang diverifikasi",
        "keluarga",
        "higher",
        "kuantitatif",
        "admin",
        100,
        400,
        0,
        None,
    ),
    (
        "PND01",
        "administrasi",
        "BAPENDA",
        "Persentase ketetapan pajak terbit tepat waktu",
        "persen",
        "higher",
        "kuantitatif",
        "admin",
        90,
        100,
        1,
        100,
    ),
    (
        "PND02",
        "administrasi",
        "BAPENDA",
        "Jumlah wajib pajak baru terdaftar",
        "wajib pajak",
        "higher",
        "kuantitatif",
        "admin",
        20,
        80,
        0,
        None,
    ),
    (
        "INS01",
        "administrasi",
        "INSPEKTORAT",
        "Jumlah rekomendasi hasil pengawasan",
        "rekomendasi",
        "higher",
        "kuantitatif",
        "admin",
        10,
        40,
        0,
        None,
    ),
    (
        "INS02",
        "administrasi",
        "INSPEKTORAT",
        "Persentase tindak lanjut hasil pemeriksaan",
        "persen",
        "higher",
        "kuantitatif",
        "admin",
        70,
        90,
        1,
        100,
    ),
    (
        "BKP01",
        "administrasi",
        "BKPSDM",
        "Rata-rata waktu penyelesaian usulan kenaikan pangkat",
        "hari",
        "lower",
        "kuantitatif",
        "admin",
        7,
        14,
        1,
        None,
    ),
    (
        "RSD01",
        "kesehatan",
        "RSUD",
        "Persentase penundaan operasi elektif",
        "persen",
        "lower",
        "kuantitatif",
        "klinis",
        3,
        5,
        1,
        100,
    ),
    (
        "RSD02",
        "kesehatan",
        "RSUD",
        "Kepatuhan waktu visite dokter",
        "persen",
        "higher",
        "kuantitatif",
        "klinis",
        80,
        90,
        1,
        100,
    ),
    (
        "RSD03",
        "kesehatan",
        "RSUD",
        "Persentase hasil kritis laboratorium dilaporkan dalam 30 menit",
        "persen",
        "higher",
        "kuantitatif",
        "klinis",
        95,
        100,
        1,
        100,
    ),
)

#: Vague indicators by sector: (name, unit_of_measure, direction, target_kind). Units whose
#: SKP use them are the planted "unclear indicator units".
VAGUE_INDICATORS: dict[str, tuple[tuple[str, str | None, str | None, str | None], ...]] = {
    "pendidikan": (
        ("Meningkatkan kualitas pembelajaran", None, None, None),
        ("Terlaksananya kegiatan belajar mengajar dengan baik", None, None, "kualitatif"),
        ("Mendukung program sekolah", None, "higher", None),
    ),
    "kesehatan": (
        ("Meningkatkan pelayanan kesehatan masyarakat", None, None, None),
        ("Terlaksananya pelayanan kesehatan yang optimal", None, None, "kualitatif"),
        ("Mendukung program kesehatan", None, "higher", None),
    ),
    "administrasi": (
        ("Terlaksananya tugas administrasi dengan baik", None, None, None),
        ("Mendukung kelancaran tugas pimpinan", None, None, "kualitatif"),
        ("Meningkatnya kualitas pelayanan", None, "higher", None),
    ),
}


_TABLE_NOTES: dict[str, str] = {
    "units": "15 OPD (sekretariat, dinas, badan, inspektorat), RSUD dr. H. Soemarno "
    "Sosroatmodjo, puskesmas, SD and SMP negeri, kecamatan and kelurahan offices. "
    "`service_population` is set for units that serve citizens directly.",
    "employees": "Invented people. NIPs follow the PNS layout (birth date, TMT CPNS "
    "year-month, sex, serial) or the PPPK layout (birth date, TMT year, 2, "
    "intake, sex, serial). Everyone but the Sekretaris Daerah has a "
    "`supervisor_id` (heads of OPD report to the Sekretaris Daerah, school "
    "heads to a Kepala Bidang of the Dinas Pendidikan dan Kebudayaan, heads of "
    "puskesmas to a Kepala Bidang of the Dinas Kesehatan).",
    "indicators": "Sector catalogue (empty `unit_id`) plus unit-owned indicators. The vague "
    "ones (no unit of measure, and no direction and/or target kind) are owned "
    "by the units listed as `unclear_indicator_units` in truth.json.",
    "results": "3 to 6 SKP lines per employee (2 to 4 utama), every quarter; targets are "
    "set per year. Lines on vague indicators have no target.",
    "behaviour": "The supervisor (atasan) rates every quarter; peers (rekan), up to three "
    "subordinates (bawahan) and the employee herself (diri) rate in the "
    "second and fourth quarter (a semester 360°, which also keeps the "
    "folder under 25 MiB).",
    "citizen": "SKM questionnaires (PermenPANRB 14/2017), about 20 to 90 per service unit "
    "and quarter. About half of the responses for the unit's main service name "
    "the officer (teacher, nurse, midwife, doctor, counter staff) in "
    "`employee_id`. About 1.5% of answers and 2% of respondent fields are "
    "missing (answers are optional).",
    "training": "Courses pelayanan_prima, komunikasi_efektif, manajemen_waktu, in waves.",
    "org_rating": "One predikat per unit and year, repeated for each quarter of the year.",
    "complaints": "Citizens' complaints to units with a citizen service (SP4N-LAPOR!, the "
    "unit's own channel, a forum, other), received over the window and extracted on its "
    "last day: a complaint not yet settled then has no `closed_date`. Complaints about "
    "staff conduct often name the officer (`employee_id`; restricted use only).",
    "teaching": "Every quarter, for each teacher of a school: the principal's "
    "class-management observation (0–100) and the mean achievement of the teacher's "
    "pupils (0–100).",
}


_ROW_IS: dict[str, str] = {
    "units": "organisation unit",
    "employees": "employee (ASN: PNS or PPPK)",
    "indicators": "performance indicator (IKI)",
    "results": "SKP result: employee, indicator, quarter",
    "behaviour": "360° rating of one BerAKHLAK value by one rater in one quarter",
    "citizen": "SKM questionnaire",
    "training": "training attendance",
    "org_rating": "unit's organisational predikat in a quarter",
    "complaints": "citizen complaint",
    "teaching": "teacher in a quarter: class observation and pupils' achievement",
}

#: Meaning of each column in the README's data dictionary (kept here, not read from the
#: data model's descriptions, so that rewording those does not change the shipped files).
_COLUMN_NOTES: dict[str, str] = {
    "units.unit_id": "short id (SETDA, DINKES, RSUD, PKM01, SD01, SMP01, KEC01, KEL01, …)",
    "units.name": "official name of the OPD, school, puskesmas or office",
    "units.kind": "sekretariat, dinas, badan, inspektorat, rsud, puskesmas, sekolah, "
    "kecamatan, kelurahan",
    "units.sector": "pendidikan, kesehatan, administrasi",
    "units.parent_unit_id": "the unit it belongs to (schools → DISDIKBUD, RSUD and puskesmas "
    "→ DINKES, kelurahan → KEC01, others → SETDA)",
    "units.service_population": "people served per year; empty for units without direct "
    "public service",
    "employees.employee_id": "E followed by five digits",
    "employees.nip": "18-digit NIP, consistent with birth_date, start_date and gender",
    "employees.name": "invented name with academic titles (e.g. S.Pd., A.Md.Kep., dr.)",
    "employees.unit_id": "the employee's unit",
    "employees.position": "jabatan, e.g. Guru Ahli Muda, Perawat Terampil, Kepala Seksi "
    "Pelayanan, Operator Layanan Operasional",
    "employees.position_type": "jpt, administrator, pengawas, pelaksana, fungsional",
    "employees.sector": "the unit's sector",
    "employees.grade": "golongan I/a–IV/e (PNS) or I–XVII (PPPK)",
    "employees.employment": "pns or pppk",
    "employees.gender": "l (male) or p (female)",
    "employees.birth_date": "date of birth",
    "employees.start_date": "TMT CPNS (PNS) or TMT PPPK, first of a month",
    "employees.supervisor_id": "the direct supervisor (pejabat penilai); empty for the "
    "Sekretaris Daerah",
    "employees.jf_level": "functional level (ahli_pertama … ahli_utama, pemula … penyelia) "
    "for jabatan fungsional",
    "indicators.indicator_id": "PDK.. (pendidikan), KES.. (kesehatan), ADM.. "
    "(administrasi), unit codes, IKI-<unit>-n (vague)",
    "indicators.sector": "sector of the indicator",
    "indicators.unit_id": "owning unit; empty for the sector catalogue",
    "indicators.name": "the indicator as written in the SKP",
    "indicators.unit_of_measure": "persen, menit, hari, dokumen, …; empty when vague",
    "indicators.direction": "higher or lower is better; may be empty when vague",
    "indicators.target_kind": "kuantitatif or kualitatif; may be empty when vague",
    "results.period": "quarter, e.g. 2025Q3",
    "results.employee_id": "the employee",
    "results.indicator_id": "the indicator",
    "results.kind": "utama (main) or tambahan (additional)",
    "results.target": "target for the year, in the indicator's unit; empty for vague ones",
    "results.realization": "realised value in the quarter",
    "results.rating": "the supervisor's judgement: di_atas, sesuai, di_bawah",
    "behaviour.period": "quarter",
    "behaviour.employee_id": "the employee rated (ratee)",
    "behaviour.rater_id": "the employee who rated",
    "behaviour.rater_role": "atasan (supervisor), rekan (peer), bawahan (subordinate), diri (self)",
    "behaviour.value": "one of the seven BerAKHLAK values",
    "behaviour.score": "1 (far below) … 5 (far above expectation)",
    "citizen.period": "quarter of the survey",
    "citizen.response_id": "SKM followed by six digits",
    "citizen.unit_id": "the unit whose service was rated",
    "citizen.employee_id": "the named officer, if the citizen named one",
    "citizen.service": "the service used",
    "citizen.respondent_gender": "l or p",
    "citizen.respondent_age": "years",
    "citizen.respondent_education": "sd, smp, sma, d1_d3, d4_s1, s2, s3",
    "citizen.respondent_occupation": "as on the SKM form (PNS, Wiraswasta, Petani, …)",
    "citizen.survey_date": "date of the response, within the quarter",
    "training.employee_id": "the participant",
    "training.course": "pelayanan_prima, komunikasi_efektif, manajemen_waktu",
    "training.start_date": "first day",
    "training.end_date": "last day; treatment starts in the following quarter",
    "training.hours": "lesson hours (JP)",
    "org_rating.period": "quarter",
    "org_rating.unit_id": "the unit",
    "org_rating.predikat": "istimewa, baik, butuh_perbaikan, kurang, sangat_kurang",
    "complaints.complaint_id": "ADU00001, … in order of receipt",
    "complaints.unit_id": "the unit complained about",
    "complaints.employee_id": "the officer named in the complaint, if any",
    "complaints.received_date": "date received",
    "complaints.closed_date": "date settled; empty while open",
    "complaints.channel": "sp4n_lapor, unit, forum, lainnya",
    "complaints.category": "persyaratan, prosedur, waktu, biaya, perilaku_petugas, sarana, lainnya",
    "complaints.status": "terbuka (open), diproses (in progress), selesai (settled)",
    "teaching.period": "quarter",
    "teaching.employee_id": "the teacher",
    "teaching.unit_id": "the school",
    "teaching.observation": "principal's class-management observation, 0–100",
    "teaching.achievement": "mean achievement of the teacher's pupils, 0–100",
    "teaching.pupils": "pupils assessed",
}
#: Unsur names by item code (u8 pengaduan, u9 sarana: rules.permenpanrb_14_2017.UNSUR,
#: where the sources' disagreement on the order is noted).
_SKM_NAMES: dict[str, str] = {
    "u1": "persyaratan",
    "u2": "sistem, mekanisme dan prosedur",
    "u3": "waktu penyelesaian",
    "u4": "biaya/tarif",
    "u5": "produk spesifikasi jenis pelayanan",
    "u6": "kompetensi pelaksana",
    "u7": "perilaku pelaksana",
    "u8": "penanganan pengaduan, saran dan masukan",
    "u9": "sarana dan prasarana",
}
for _code, _n in _SKM_NAMES.items():
    _COLUMN_NOTES[f"citizen.{_code}"] = f"{_n}, 1–4 (empty = not answered)"


def readme(study, imperfections) -> str:
    """The README.md written next to a simulated data set: what the data are, how they
    were made, a data dictionary and the planted truths (deterministic text)."""
    from .tables import TABLES

    t = study.truth
    p = t["parameters"]
    tr = t["treated"]
    lines = [
        "# Tanjung Selor synthetic data set",
        "",
        "**These data are synthetic.** Every person, NIP, rating, survey answer and "
        "training record was invented by `evalkit.simulate`; no real employee or citizen "
        "is described. Unit names are real organisation units and places of Kabupaten "
        "Bulungan (Kalimantan Utara); their staff, scores and survey results are not.",
        "",
        "The folder is exactly what this call writes (for the shipped data set a test "
        "regenerates it and compares the bytes):",
        "",
        "```",
        f"evalkit.simulate(out=DIR, seed={p['seed']}, employees={p['employees']}, "
        f'periods="{p["periods"][0]}:{p["periods"][-1]}", '
        f"divergent_units={p['divergent_units']}, training_effect={p['training_effect']:g}, "
        f"source_offset_pomp={p['source_offset_pomp']:g}, "
        f"divergent_gap_pomp={p['divergent_gap_pomp']:g}, time_trend={p['time_trend']:g})",
        "```",
        "",
        "or, when the last three have their defaults (8, 20, 0.05), this command:",
        "",
        "```",
        f"evalkit simulate --out DIR --seed {p['seed']} --employees {p['employees']} "
        f"--periods {p['periods'][0]}:{p['periods'][-1]} "
        f"--divergent-units {p['divergent_units']} --training-effect {p['training_effect']:g}",
        "```",
        "",
        "## Contents",
        "",
        "| file | rows | one row per |",
        "| --- | ---: | --- |",
    ]
    for name, df in study.tables().items():
        lines.append(f"| `{name}.csv` | {len(df):,} | {_ROW_IS[name]} |")
    lines += [
        "| `truth.json` | | the planted truths (below) |",
        "",
        f"{p['employees']:,} employees in {len(study.units)} units, quarters "
        f"{p['periods'][0]} to {p['periods'][-1]}. CSV files are UTF-8, comma-separated, "
        "with a header; dates are `YYYY-MM-DD`; an empty field is a missing value; rows "
        "are sorted by the table's key.",
        "",
        "## How the data were made",
        "",
        "Each employee *i* of unit *u* has a persistent true level θ_i = a_u + η_i "
        f"(SD of a_u {t['theta_sd']['unit']:g}, SD of η_i within a unit "
        f"{t['theta_sd']['individual']:.3f}, in points of the 1–5 behaviour scale; θ lies "
        f"between {t['theta_bounds'][0]:g} and {t['theta_bounds'][1]:g}, see below); true "
        f"performance rises by {t['time_trend_per_quarter']:g} points a quarter for "
        "everyone.",
        "",
        "- **Behaviour (360°).** Latent score = base + θ_i + trend + value effect + the "
        "rater's leniency + a persistent rater–ratee impression + a per-quarter halo "
        "shared by the seven values + value-level noise; for the supervisor also the "
        "training effect (treated quarters). "
        "Mean leniency by role: "
        + ", ".join(f"{k} {v:+g}" for k, v in t["leniency_role_mean"].items())
        + " points (self-ratings are the most lenient). Rater noise is scaled by a unit "
        "multiplier, so "
        "single-rater reliability is about .50 for supervisors, .37 for peers and .30 for "
        "subordinates and varies between units. The score is the mean part clipped to 1–5, "
        "plus the noise clipped symmetrically so that it stays within the scale, rounded "
        "stochastically (floor(x + U), U uniform); this keeps expected values: E[score] = "
        "clip(mean part, 1, 5). The supervisor's mean part never leaves 1–5: θ is bounded "
        "with room for the extreme leniency and value effect and for the trend over the "
        "window, and only employees with room for the training effect are trained. So the "
        "expected supervisor score is exactly base + θ_i + trend + value effect + leniency "
        "+ training effect: the trend is the same for everyone, parallel trends hold "
        "exactly in expectation, and a difference-in-differences on the expected scores "
        "gives the planted effect (`training_twfe_estimand`).",
        "- **Citizens (SKM u1–u9, 1–4).** Driven by unit quality and the trend; u6 "
        "(kompetensi pelaksana) and u7 (perilaku pelaksana) also by the level of the officer "
        "who served the citizen (θ mapped to the 1–4 scale at equal percent of maximum "
        "possible, POMP = (x − min)/(max − min) × 100).",
        "- **Supervisors versus citizens.** Supervisor ratings of berorientasi_pelayanan and "
        "kompeten are aligned with citizens' u6 and u7 on the POMP scale. Supervisors are "
        f"higher by {t['source_offset_pomp']:g} POMP points in every unit (the mean, over "
        "non-divergent units with citizen responses, of the expected unit gap), and by "
        f"a further {t['divergent_gap_pomp']:g} points in the divergent units "
        f"({', '.join(t['divergent_units']) or 'none'}), whose citizens see the officers' "
        "competence and behaviour (u6, u7) that much below what the supervisors rate.",
        "- **Training.** Employees with a lower persistent level are more likely to be sent "
        "(no selection on transitory shocks); those at the top, without room on the scale "
        "for the effect, are not sent. A first course ends in a quarter drawn "
        "uniformly over the window; the employee is treated from the next quarter on, and "
        f"the supervisor's value scores rise by {t['training_effect']:g} points on average "
        f"(the average effect on the treated). {tr['employees_trained']:,} employees were "
        f"trained, {tr['employees_never_trained']:,} never; "
        f"{tr['trained_in_last_period_not_yet_treated']:,} finished only in the last quarter "
        "and are not yet treated. Because of the trend, a before/after comparison of the "
        "trained overstates the effect; because of the selection, a trained/untrained "
        "comparison understates it; a difference-in-differences recovers it. The effect is "
        "planted in supervisor ratings only.",
        "- **Indicators.** Sector catalogues for teachers (classroom-management observation, "
        "student achievement, …), health staff (immunisation coverage, waiting time, …) and "
        "administration (processing time, documents completed, …), some lower-is-better. "
        "Achievement rises with θ. Vague indicators are clustered in "
        f"{', '.join(t['unclear_indicator_units'])}.",
        "- **Organisational predikat.** Mostly baik; higher for units of higher quality.",
        "",
        "The citizens' level of u6 and u7 and their drop in the divergent units are solved "
        "numerically on the expected answers so that the planted offset and divergent gap "
        "hold exactly in this data set (not only on the latent scale); the training effect "
        "holds exactly because no expected supervisor score is clipped.",
        "",
        "## Simplifications",
        "",
        "- Nobody joins, leaves, retires or changes unit or supervisor during the window.",
        "- The training effect is planted in supervisor ratings only (peers, subordinates "
        "and citizens do not see it); it is constant over time after the first course.",
        "- The organisational predikat is drawn once a year and repeated for its quarters.",
        "- PPPK paruh waktu, non-ASN staff and the Bupati (who would rate the Sekretaris "
        "Daerah) are not modelled.",
        "",
        "## Imperfections on purpose",
        "",
        "The files carry a few harmless imperfections that the loader normalises (the "
        "in-memory tables of `evalkit.simulate` are clean). Nothing needs quarantine.",
        "",
    ]
    for table, col, share, kind in imperfections:
        lines.append(f"- `{table}.{col}`: {kind} in about {share:.0%} of the rows.")
    lines += ["", "## Data dictionary", ""]
    for name, table in TABLES.items():
        lines += [
            f"### {name}",
            "",
            _TABLE_NOTES.get(name, ""),
            "",
            "| column | type | required | meaning |",
            "| --- | --- | --- | --- |",
        ]
        for c in table.columns:
            kind = c.dtype + (f" ({c.codes})" if c.codes else "")
            if c.low is not None or c.high is not None:
                kind += f" {c.low:g}–{c.high:g}" if c.high is not None else f" ≥ {c.low:g}"
            meaning = _COLUMN_NOTES.get(f"{name}.{c.name}", "")
            if c.references:
                meaning += f" (refers to {c.references})"
            lines.append(f"| `{c.name}` | {kind} | {'yes' if c.required else 'no'} | {meaning} |")
        lines.append("")
    lines += [
        "## truth.json",
        "",
        "- `divergent_units`: unit_ids whose supervisors rate well above what citizens see.",
        "- `divergent_gap_pomp`: their extra supervisor-minus-citizen gap (POMP points).",
        "- `source_offset_pomp`: the common supervisor-minus-citizen gap (POMP points).",
        "- `unit_gap_pomp`: per unit with citizen responses, the expected gap (expected "
        "supervisor POMP of the aligned values minus expected citizen POMP of u6, u7, "
        "given the officers who served); the planted offset and divergence hold exactly "
        "for these.",
        "- `unit_gap_target_pomp`: per unit, the gap the study estimates and its "
        "intervals are calibrated against: the unit's own staff and supervisors held "
        "fixed (persistent rater-ratee impressions included), expected over a quarter's "
        "rating noise, over citizens and over the officer who serves them.",
        "- `aligned`: the supervisor values and citizen items that are compared.",
        "- `training_effect`: average effect on the treated, points of the mean supervisor "
        "behaviour score; `time_trend_per_quarter`; `treated`: counts, treatment rule and "
        "selection; `training_twfe_estimand`: the two-way fixed-effects DiD coefficient "
        "on the expected (noise-free) employee-quarter supervisor means, equal to "
        "`training_effect` because nothing is clipped; `theta_bounds`, "
        "`theta_training_range`: the range of θ, and of θ among the employees who may be "
        "trained.",
        "- `leniency`: per role (atasan, rekan, bawahan, diri), per rater employee_id, the "
        "rater's additive shift in points; `leniency_role_mean`.",
        "- `reliability`: per unit and role, the planted single-rater reliability "
        "(`reliability_definition` gives the formula); `unit_noise_multiplier`; "
        "`variance_components`.",
        "- `unclear_indicator_units`, `unclear_indicators`: where the vague indicators are.",
        "- `calibration`: the supervisor base level in the first quarter and the solved "
        "shifts of the citizens' u6 and u7 (all units; divergent units).",
        "- `parameters`: the arguments of the run.",
        "- `complaints`: per unit with a citizen service, the planted complaint rate per "
        "1,000 people served per year and the median days to settle a complaint; "
        "`slow_units` (median beyond the 60-day standard), `open_units` (citizens rate "
        "complaint handling, SKM u8, highest while most complaints are never settled), "
        "`expected_u8`, the extraction date and the rule.",
        "- `teaching`: the within-school slope of pupils' achievement on the class "
        "observation, the share of achievement variance between schools (school intake), "
        "the correlation of the teacher's true competence with the teacher's effect on "
        "achievement, and the model.",
        "",
    ]
    return "\n".join(lines)
