"""Catalogues behind the synthetic Tanjung Selor data set (private).

Units of Kabupaten Bulungan (OPD, RSUD, puskesmas, schools, kecamatan and kelurahan
offices), the jobs that staff them, the performance-indicator catalogue by sector and
the public services that citizens rate. Names of units are real OPD and place names of
the regency (reference/regulations.md §6); everything about people is invented.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "GRADES_PNS",
    "INDICATORS",
    "JF_LEVELS",
    "JOBS",
    "KECAMATAN",
    "OPDS",
    "SERVICES",
    "VAGUE_INDICATORS",
    "Job",
    "Opd",
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


_FIRST_LINE = (
    "Kepala Sub Bagian Umum dan Kepegawaian",
    "Kepala Sub Bagian Keuangan",
    "Kepala Seksi Pelayanan",
    "Kepala Seksi Data dan Informasi",
    "Kepala Seksi Pembinaan",
    "Kepala Seksi Pengendalian",
)

OPDS: tuple[Opd, ...] = (
    Opd("SETDA", "Sekretariat Daerah Kabupaten Bulungan", "sekretariat", "administrasi", 60,
        "Sekretaris Daerah",
        ("Kepala Bagian Pemerintahan", "Kepala Bagian Organisasi", "Kepala Bagian Hukum",
         "Kepala Bagian Umum")),
    Opd("SETWAN", "Sekretariat DPRD Kabupaten Bulungan", "sekretariat", "administrasi", 30,
        "Sekretaris DPRD", ("Kepala Bagian Persidangan", "Kepala Bagian Umum dan Keuangan")),
    Opd("INSPEKTORAT", "Inspektorat Daerah Kabupaten Bulungan", "inspektorat", "administrasi", 30,
        "Inspektur", ("Sekretaris", "Inspektur Pembantu I", "Inspektur Pembantu II"),
        ("Auditor", "Pengawas Penyelenggaraan Urusan Pemerintahan di Daerah")),
    Opd("DISDIKBUD", "Dinas Pendidikan dan Kebudayaan Kabupaten Bulungan", "dinas", "pendidikan",
        45, "Kepala Dinas",
        ("Kepala Bidang Pembinaan Sekolah Dasar",
         "Kepala Bidang Pembinaan Sekolah Menengah Pertama", "Sekretaris",
         "Kepala Bidang Ketenagaan"),
        ("Pengembang Teknologi Pembelajaran", "Analis Kebijakan", "Pranata Komputer")),
    Opd("DINKES", "Dinas Kesehatan Kabupaten Bulungan", "dinas", "kesehatan", 45, "Kepala Dinas",
        ("Kepala Bidang Pelayanan Kesehatan", "Kepala Bidang Kesehatan Masyarakat", "Sekretaris",
         "Kepala Bidang Pencegahan dan Pengendalian Penyakit"),
        ("Epidemiolog Kesehatan", "Administrator Kesehatan", "Penyuluh Kesehatan Masyarakat")),
    Opd("DISDUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bulungan", "dinas",
        "administrasi", 30, "Kepala Dinas",
        ("Sekretaris", "Kepala Bidang Pelayanan Pendaftaran Penduduk",
         "Kepala Bidang Pelayanan Pencatatan Sipil"),
        ("Administrator Database Kependudukan", "Pranata Komputer"), 150_000),
    Opd("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu Kabupaten Bulungan",
        "dinas", "administrasi", 25, "Kepala Dinas",
        ("Sekretaris", "Kepala Bidang Pelayanan Perizinan"),
        ("Penata Perizinan", "Analis Kebijakan"), 6_000),
    Opd("DINSOS", "Dinas Sosial Kabupaten Bulungan", "dinas", "administrasi", 25, "Kepala Dinas",
        ("Sekretaris", "Kepala Bidang Perlindungan dan Jaminan Sosial"),
        ("Pekerja Sosial", "Penyuluh Sosial"), 12_000),
    Opd("DPUPR", "Dinas Pekerjaan Umum dan Penataan Ruang Kabupaten Bulungan", "dinas",
        "administrasi", 45, "Kepala Dinas",
        ("Sekretaris", "Kepala Bidang Bina Marga", "Kepala Bidang Cipta Karya",
         "Kepala Bidang Sumber Daya Air"),
        ("Teknik Jalan dan Jembatan", "Penata Ruang", "Teknik Pengairan")),
    Opd("DISHUB", "Dinas Perhubungan Kabupaten Bulungan", "dinas", "administrasi", 25,
        "Kepala Dinas", ("Sekretaris", "Kepala Bidang Lalu Lintas"),
        ("Penguji Kendaraan Bermotor", "Analis Kebijakan")),
    Opd("DLH", "Dinas Lingkungan Hidup Kabupaten Bulungan", "dinas", "administrasi", 30,
        "Kepala Dinas", ("Sekretaris", "Kepala Bidang Pengelolaan Sampah"),
        ("Pengendali Dampak Lingkungan", "Pengawas Lingkungan Hidup")),
    Opd("BKPSDM", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kabupaten Bulungan",
        "badan", "administrasi", 30, "Kepala Badan",
        ("Sekretaris", "Kepala Bidang Mutasi dan Promosi", "Kepala Bidang Pengembangan Kompetensi"),
        ("Analis Sumber Daya Manusia Aparatur", "Pranata Komputer")),
    Opd("BAPPEDA", "Badan Perencanaan Pembangunan Daerah dan Penelitian Pengembangan Kabupaten "
        "Bulungan", "badan", "administrasi", 25, "Kepala Badan",
        ("Sekretaris", "Kepala Bidang Perencanaan dan Evaluasi"), ("Perencana", "Peneliti")),
    Opd("BPKAD", "Badan Pengelolaan Keuangan dan Aset Daerah Kabupaten Bulungan", "badan",
        "administrasi", 35, "Kepala Badan",
        ("Sekretaris", "Kepala Bidang Anggaran", "Kepala Bidang Perbendaharaan"),
        ("Analis Pengelolaan Keuangan APBD", "Penata Kelola Barang Milik Daerah")),
    Opd("BAPENDA", "Badan Pendapatan Daerah Kabupaten Bulungan", "badan", "administrasi", 25,
        "Kepala Badan", ("Sekretaris", "Kepala Bidang Pajak Daerah"),
        ("Pemeriksa Pajak Daerah", "Analis Kebijakan"), 25_000),
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
    "jpt": Job("", "jpt", "admin", female=0.3, grades=(14, 15), ages=(46, 56),
               titles=_MGR_TITLES),
    "administrator": Job("", "administrator", "admin", female=0.4, grades=(12, 13),
                         ages=(40, 56), titles=_MGR_TITLES),
    "pengawas": Job("", "pengawas", "admin", female=0.45, grades=(10, 12), ages=(35, 56)),
    "pelaksana": Job("Pengadministrasi Perkantoran", "pelaksana", "admin", female=0.5, pppk=0.15,
                     pppk_grade="V", grades=(4, 11), ages=(22, 56), titles=("", "", "S.E.")),
    "counter": Job("Operator Layanan Operasional", "pelaksana", "admin", female=0.6, pppk=0.2,
                   pppk_grade="V", grades=(4, 10), ages=(22, 50), front=True,
                   titles=("", "", "S.Sos.", "S.Kom.")),
    "specialist": Job("", "fungsional", "admin", jf="ahli", female=0.5, pppk=0.1,
                      grades=(8, 14), ages=(24, 56)),
    "guru": Job("Guru", "fungsional", "guru", jf="ahli", female=0.7, pppk=0.35,
                grades=(8, 14), ages=(23, 56), front=True, titles=("S.Pd.", "S.Pd.", "S.Pd., M.Pd.")),
    "kepsek": Job("Kepala Sekolah", "fungsional", "guru", female=0.5, grades=(12, 13),
                  ages=(42, 56), titles=("S.Pd., M.Pd.", "S.Pd.")),
    "operator_sekolah": Job("Pengadministrasi Sekolah", "pelaksana", "admin", female=0.5,
                            pppk=0.3, pppk_grade="V", grades=(4, 9), ages=(22, 50),
                            titles=("", "S.Kom.")),
    "dokter": Job("Dokter", "fungsional", "klinis", jf="ahli", female=0.55, pppk=0.15,
                  grades=(9, 14), ages=(26, 56), front=True, titles=("",), prefix="dr."),
    "perawat": Job("Perawat", "fungsional", "klinis", jf="mix", female=0.75, pppk=0.3,
                   pppk_grade="VII", grades=(6, 12), ages=(22, 56), front=True,
                   titles=("A.Md.Kep.", "S.Kep., Ns.")),
    "bidan": Job("Bidan", "fungsional", "klinis", jf="terampil", female=1.0, pppk=0.3,
                 pppk_grade="VII", grades=(6, 11), ages=(22, 56), front=True,
                 titles=("A.Md.Keb.", "A.Md.Keb.", "S.Tr.Keb.")),
    "apoteker": Job("Apoteker", "fungsional", "klinis", jf="ahli", female=0.7, pppk=0.2,
                    grades=(8, 13), titles=("S.Farm., Apt.",)),
    "nakes": Job("Pranata Laboratorium Kesehatan", "fungsional", "klinis", jf="terampil",
                 female=0.6, pppk=0.25, pppk_grade="VII", grades=(6, 11),
                 titles=("A.Md.AK.", "A.Md.KL.", "A.Md.Gz.")),
    "kapus": Job("Kepala Puskesmas", "pengawas", "klinis", female=0.5, grades=(10, 12),
                 ages=(35, 56), titles=("S.KM., M.Kes.", "S.Kep., Ns.", "")),
    "direktur": Job("Direktur", "administrator", "klinis", female=0.4, grades=(13, 14),
                    ages=(42, 56), titles=("M.Kes.",), prefix="dr."),
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
    "puskesmas": (("Pelayanan rawat jalan", "Pelayanan imunisasi", "Pelayanan KIA dan KB",
                   "Pelayanan laboratorium"), 45, 0.55),
    "rsud": (("Rawat jalan", "Rawat inap", "Instalasi gawat darurat", "Farmasi"), 90, 0.5),
    "kecamatan": (("Pelayanan administrasi terpadu kecamatan (PATEN)",
                   "Rekomendasi dan surat keterangan"), 25, 0.45),
    "kelurahan": (("Surat pengantar dan keterangan domisili", "Surat keterangan usaha"), 18,
                  0.45),
    "DISDUKCAPIL": (("Perekaman KTP-el", "Penerbitan kartu keluarga",
                     "Penerbitan akta kelahiran"), 80, 0.45),
    "DPMPTSP": (("Perizinan berusaha", "Persetujuan bangunan gedung"), 35, 0.45),
    "DINSOS": (("Pendaftaran bantuan sosial", "Rekomendasi PBI jaminan kesehatan"), 30, 0.45),
    "BAPENDA": (("Pembayaran PBB-P2", "Pendaftaran wajib pajak daerah"), 30, 0.45),
}

#: Indicator catalogue. Each entry: (indicator_id, sector, unit_id or None, name,
#: unit_of_measure, direction, target_kind, family, target_low, target_high, decimals, cap).
#: ``family`` says whose SKP uses it: guru (teachers), klinis (health staff), admin.
INDICATORS: tuple[tuple, ...] = (
    ("PDK01", "pendidikan", None, "Skor observasi pengelolaan kelas oleh kepala sekolah",
     "persen", "higher", "kuantitatif", "guru", 75, 90, 1, 100),
    ("PDK02", "pendidikan", None, "Rata-rata nilai asesmen sumatif peserta didik", "nilai",
     "higher", "kuantitatif", "guru", 70, 80, 1, 100),
    ("PDK03", "pendidikan", None,
     "Persentase peserta didik mencapai kriteria ketercapaian tujuan pembelajaran", "persen",
     "higher", "kuantitatif", "guru", 75, 90, 1, 100),
    ("PDK04", "pendidikan", None, "Jumlah modul ajar yang disusun", "dokumen", "higher",
     "kuantitatif", "guru", 4, 12, 0, None),
    ("PDK05", "pendidikan", None, "Persentase kehadiran peserta didik", "persen", "higher",
     "kuantitatif", "guru", 90, 95, 1, 100),
    ("PDK06", "pendidikan", None, "Jumlah jam pengembangan kompetensi diri", "jam", "higher",
     "kuantitatif", "guru", 8, 32, 0, None),
    ("PDK07", "pendidikan", None, "Persentase peserta didik yang menerima umpan balik tertulis",
     "persen", "higher", "kuantitatif", "guru", 70, 90, 1, 100),
    ("PDK08", "pendidikan", None, "Jumlah kegiatan projek penguatan profil pelajar Pancasila",
     "kegiatan", "higher", "kuantitatif", "guru", 1, 4, 0, None),
    ("KES01", "kesehatan", None, "Cakupan imunisasi dasar lengkap", "persen", "higher",
     "kuantitatif", "klinis", 85, 95, 1, 100),
    ("KES02", "kesehatan", None, "Rata-rata waktu tunggu pelayanan rawat jalan", "menit",
     "lower", "kuantitatif", "klinis", 30, 60, 0, None),
    ("KES03", "kesehatan", None, "Persentase kepatuhan kebersihan tangan", "persen", "higher",
     "kuantitatif", "klinis", 85, 90, 1, 100),
    ("KES04", "kesehatan", None, "Cakupan kunjungan ibu hamil K6", "persen", "higher",
     "kuantitatif", "klinis", 80, 95, 1, 100),
    ("KES05", "kesehatan", None, "Persentase identifikasi pasien yang benar", "persen",
     "higher", "kuantitatif", "klinis", 95, 100, 1, 100),
    ("KES06", "kesehatan", None, "Waktu tanggap pelayanan gawat darurat", "menit", "lower",
     "kuantitatif", "klinis", 5, 10, 0, None),
    ("KES07", "kesehatan", None, "Jumlah kunjungan rumah keluarga rawan kesehatan", "kunjungan",
     "higher", "kuantitatif", "klinis", 10, 40, 0, None),
    ("KES08", "kesehatan", None, "Persentase kepatuhan penggunaan alat pelindung diri",
     "persen", "higher", "kuantitatif", "klinis", 95, 100, 1, 100),
    ("KES09", "kesehatan", None, "Cakupan balita ditimbang", "persen", "higher", "kuantitatif",
     "klinis", 80, 90, 1, 100),
    ("KES10", "kesehatan", None, "Persentase rekam medis lengkap dalam 24 jam", "persen",
     "higher", "kuantitatif", "klinis", 80, 95, 1, 100),
    ("ADM01", "administrasi", None, "Rata-rata waktu pemrosesan surat masuk", "hari", "lower",
     "kuantitatif", "admin", 2, 5, 1, None),
    ("ADM02", "administrasi", None, "Jumlah dokumen yang diselesaikan", "dokumen", "higher",
     "kuantitatif", "admin", 40, 200, 0, None),
    ("ADM03", "administrasi", None, "Persentase laporan disampaikan tepat waktu", "persen",
     "higher", "kuantitatif", "admin", 85, 100, 1, 100),
    ("ADM04", "administrasi", None, "Persentase pengaduan masyarakat yang ditindaklanjuti",
     "persen", "higher", "kuantitatif", "admin", 80, 95, 1, 100),
    ("ADM05", "administrasi", None, "Jumlah arsip yang ditata dan didigitalkan", "berkas",
     "higher", "kuantitatif", "admin", 100, 500, 0, None),
    ("ADM06", "administrasi", None, "Persentase data kepegawaian yang mutakhir", "persen",
     "higher", "kuantitatif", "admin", 90, 100, 1, 100),
    ("ADM07", "administrasi", None, "Rata-rata waktu penyelesaian pembayaran tagihan", "hari",
     "lower", "kuantitatif", "admin", 3, 7, 1, None),
    ("ADM08", "administrasi", None, "Jumlah rapat koordinasi yang difasilitasi", "kegiatan",
     "higher", "kuantitatif", "admin", 4, 12, 0, None),
    ("ADM09", "administrasi", None, "Persentase realisasi anggaran kegiatan", "persen",
     "higher", "kuantitatif", "admin", 85, 95, 1, 100),
    ("ADM10", "administrasi", None, "Jumlah notula dan laporan kegiatan yang disusun",
     "dokumen", "higher", "kuantitatif", "admin", 6, 20, 0, None),
    ("DUK01", "administrasi", "DISDUKCAPIL", "Rata-rata waktu penyelesaian dokumen kependudukan",
     "hari", "lower", "kuantitatif", "admin", 1, 3, 1, None),
    ("DUK02", "administrasi", "DISDUKCAPIL", "Jumlah KTP-el yang dicetak", "keping", "higher",
     "kuantitatif", "admin", 300, 900, 0, None),
    ("DUK03", "administrasi", "DISDUKCAPIL", "Persentase akta kelahiran terbit dalam satu hari",
     "persen", "higher", "kuantitatif", "admin", 85, 95, 1, 100),
    ("PTS01", "administrasi", "DPMPTSP", "Persentase permohonan izin selesai tepat waktu",
     "persen", "higher", "kuantitatif", "admin", 90, 100, 1, 100),
    ("PTS02", "administrasi", "DPMPTSP", "Jumlah izin yang diterbitkan", "izin", "higher",
     "kuantitatif", "admin", 30, 120, 0, None),
    ("SOS01", "administrasi", "DINSOS", "Jumlah data penerima bantuan sosial yang diverifikasi",
     "keluarga", "higher", "kuantitatif", "admin", 100, 400, 0, None),
    ("PND01", "administrasi", "BAPENDA", "Persentase ketetapan pajak terbit tepat waktu",
     "persen", "higher", "kuantitatif", "admin", 90, 100, 1, 100),
    ("PND02", "administrasi", "BAPENDA", "Jumlah wajib pajak baru terdaftar", "wajib pajak",
     "higher", "kuantitatif", "admin", 20, 80, 0, None),
    ("INS01", "administrasi", "INSPEKTORAT", "Jumlah rekomendasi hasil pengawasan",
     "rekomendasi", "higher", "kuantitatif", "admin", 10, 40, 0, None),
    ("INS02", "administrasi", "INSPEKTORAT", "Persentase tindak lanjut hasil pemeriksaan",
     "persen", "higher", "kuantitatif", "admin", 70, 90, 1, 100),
    ("BKP01", "administrasi", "BKPSDM", "Rata-rata waktu penyelesaian usulan kenaikan pangkat",
     "hari", "lower", "kuantitatif", "admin", 7, 14, 1, None),
    ("RSD01", "kesehatan", "RSUD", "Persentase penundaan operasi elektif", "persen", "lower",
     "kuantitatif", "klinis", 3, 5, 1, 100),
    ("RSD02", "kesehatan", "RSUD", "Kepatuhan waktu visite dokter", "persen", "higher",
     "kuantitatif", "klinis", 80, 90, 1, 100),
    ("RSD03", "kesehatan", "RSUD", "Persentase hasil kritis laboratorium dilaporkan dalam 30 menit",
     "persen", "higher", "kuantitatif", "klinis", 95, 100, 1, 100),
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


def readme(study, imperfections) -> str:
    """Placeholder-free README text; filled in below."""
    return ""
