// src/match/synthetic.cc
#include "match/synthetic.h"

#include <array>
#include <cstdio>
#include <string_view>

namespace jisr::match {

namespace {

constexpr NameEntry kMaleNames[] = {{"محمد", "Mohamed|Mohammed|Mohamad|Muhammad|Mhamed"},
                                    {"أحمد", "Ahmed|Ahmad"},
                                    {"يوسف", "Youssef|Yousef|Youssouf|Yusuf"},
                                    {"عبد الله", "Abdellah|Abdallah|Abd Allah|Abdelah"},
                                    {"عبد الرحيم", "Abderrahim|Abdelrahim|Abderahim"},
                                    {"الحسن", "Lahcen|El Hassan|Hassan"},
                                    {"الحسين", "El Houssine|Lhoussine|Houssine|Lahoucine"},
                                    {"حسن", "Hassan|Hasan"},
                                    {"حسين", "Hussein|Houssine|Hussain"},
                                    {"سعيد", "Said|Saïd|Saaid"},
                                    {"سعد", "Saad|Saâd"},
                                    {"كريم", "Karim|Karime"},
                                    {"أمين", "Amine|Amin"},
                                    {"أيوب", "Ayoub|Ayyoub|Ayub"},
                                    {"إدريس", "Driss|Idriss|Idris"},
                                    {"إبراهيم", "Brahim|Ibrahim|Ibrahime"},
                                    {"مصطفى", "Mustapha|Mostafa|Moustafa"},
                                    {"خالد", "Khalid|Khaled"},
                                    {"رشيد", "Rachid|Rashid"},
                                    {"عثمان", "Othmane|Otmane|Outhmane"},
                                    {"حمزة", "Hamza|Hamzah"},
                                    {"زكرياء", "Zakaria|Zakariya|Zakariae"},
                                    {"هشام", "Hicham|Hisham"},
                                    {"عبد العزيز", "Abdelaziz|Abd El Aziz|Abdel Aziz"},
                                    {"نور الدين", "Noureddine|Nourdine|Nour Eddine"},
                                    {"إسماعيل", "Ismail|Smail|Ismaïl"},
                                    {"مهدي", "Mehdi|Mahdi"},
                                    {"ياسين", "Yassine|Yacine|Yasine"},
                                    {"طارق", "Tarik|Tariq"},
                                    {"عمر", "Omar|Omer"},
                                    {"علي", "Ali|Aly"},
                                    {"جمال", "Jamal|Djamal"},
                                    {"عادل", "Adil|Adel"},
                                    {"فؤاد", "Fouad|Fuad"},
                                    {"محسن", "Mohcine|Mohsine|Mouhsine"},
                                    {"بلال", "Bilal|Belal"},
                                    {"أنس", "Anas|Annas"},
                                    {"إلياس", "Ilyas|Ilias|Elias"},
                                    {"عبد الإله", "Abdelilah|Abdelillah|Abdel Ilah"},
                                    {"هارون", "Haroune|Haroun|Harun"}};

constexpr NameEntry kFemaleNames[] = {
    {"فاطمة", "Fatima|Fatimah|Fatma"},
    {"فاطمة الزهراء", "Fatima Zahra|Fatimazahra|Fatima-Ezzahra|Fatima Ezzahra"},
    {"خديجة", "Khadija|Khadidja|Khadija"},
    {"عائشة", "Aicha|Aïcha|Aisha"},
    {"مريم", "Meryem|Mariam|Maryam|Meriem"},
    {"بشرى", "Bouchra|Bushra"},
    {"سكينة", "Sakina|Soukaina|Soukaïna"},
    {"كريمة", "Karima|Karimah"},
    {"أمينة", "Amina|Aminah"},
    {"نعيمة", "Naima|Naïma|Nayma"},
    {"حليمة", "Halima|Halimah"},
    {"زينب", "Zineb|Zaynab|Zainab"},
    {"سعيدة", "Saida|Saïda"},
    {"ليلى", "Leila|Layla|Laila"},
    {"هدى", "Houda|Hoda|Huda"},
    {"سلمى", "Salma|Selma"},
    {"نادية", "Nadia|Nadiya"},
    {"رجاء", "Rajae|Rajaa|Raja"},
    {"إيمان", "Imane|Iman|Imen"},
    {"شيماء", "Chaimae|Chaymae|Chaimaa"},
    {"وئام", "Wiam|Wiame|Ouiam"},
    {"هند", "Hind|Hinde"},
    {"سميرة", "Samira|Samirah"},
    {"لطيفة", "Latifa|Latifah"},
    {"جميلة", "Jamila|Djamila"},
    {"حنان", "Hanane|Hanan"},
    {"سعاد", "Souad|Suad|Soad"},
    {"رشيدة", "Rachida|Rashida"},
    {"لمياء", "Lamia|Lamya|Lamyae"},
    {"غيثة", "Ghita|Ghitah"},
    {"أسماء", "Asmae|Asmaa|Asma"},
    {"حفصة", "Hafsa|Hafssa"},
    {"نوال", "Naoual|Nawal"},
    {"سلوى", "Salwa|Saloua"},
    {"يسرى", "Yousra|Yosra|Yusra"},
    {"تودرت", "Tudert|Toudert"},
    {"إكرام", "Ikram|Ikrame"},
    {"دعاء", "Douae|Doua|Doae"}};

constexpr NameEntry kFamilyNames[] = {{"العلوي", "El Alaoui|Alaoui|El-Alaoui|Elalaoui|Al Alaoui"},
                                      {"الإدريسي", "El Idrissi|Idrissi|Drissi|El-Idrissi"},
                                      {"بنعلي", "Benali|Ben Ali|Ben-Ali"},
                                      {"آيت علي", "Ait Ali|Aït-Ali|Ait-Ali"},
                                      {"الزاكي", "Ez-Zaki|Ezzaki|Zaki"},
                                      {"الرحماني", "Errahmani|Rahmani|Er-Rahmani"},
                                      {"التازي", "Ettazi|Tazi|Et-Tazi"},
                                      {"الشرايبي", "Echchraibi|Chraibi|Ech-Chraibi"},
                                      {"الخياطي", "El Khayati|Khayati|Elkhayati"},
                                      {"بنجلون", "Benjelloun|Ben Jelloun"},
                                      {"الفاسي", "El Fassi|Fassi|Elfassi"},
                                      {"بناني", "Bennani|Benani"},
                                      {"العمراني", "El Amrani|Amrani|Elamrani"},
                                      {"الناصري", "En-Nasiri|Naciri|Ennaciri|Nasiri"},
                                      {"الصنهاجي", "Es-Senhaji|Senhaji|Essanhaji"},
                                      {"الحسني", "El Hassani|Hassani|Elhassani"},
                                      {"الكبير", "El Kebir|Kebir|Elkbir"},
                                      {"أمغار", "Amghar|Amrhar"},
                                      {"أوعلي", "Ouali|Ou Ali|Ouaali"},
                                      {"آيت سعيد", "Ait Said|Aït Saïd|Ait-Said"},
                                      {"الوزاني", "Ouazzani|El Ouazzani|Wazzani"},
                                      {"التوزاني", "Ettouzani|Touzani"},
                                      {"الحداد", "El Haddad|Haddad|Elhaddad"},
                                      {"برادة", "Berrada|Berada"},
                                      {"بنيس", "Bennis|Benis"},
                                      {"العثماني", "El Otmani|Othmani|Elotmani"},
                                      {"الفيلالي", "El Filali|Filali|Elfilali"},
                                      {"السوسي", "Es-Soussi|Soussi|Essoussi"},
                                      {"أكرد", "Aguerd|Agard"},
                                      {"الغرباوي", "El Gharbaoui|Gharbaoui"},
                                      {"الشرقاوي", "Ech-Cherkaoui|Cherkaoui|Charkaoui"},
                                      {"المغربي", "El Maghribi|Meghribi|Maghribi"},
                                      {"الهلالي", "El Hilali|Hilali|Elhilali"},
                                      {"القاسمي", "El Kacimi|Kacimi|Qasimi"},
                                      {"النعيمي", "Naimi|Naïmi|En-Naimi"},
                                      {"بن عمر", "Benomar|Ben Omar"},
                                      {"الطيبي", "Ettaibi|Taibi"},
                                      {"أوناحي", "Ounahi|Ou Nahi"},
                                      {"بوعناني", "Bouanani|El Bouanani"},
                                      {"الجراري", "El Jirari|Jirari|Jarari"},
                                      {"الأنصاري", "El Ansari|Ansari|Elansari"},
                                      {"المنصوري", "El Mansouri|Mansouri|Elmansouri"},
                                      {"الحميدي", "El Hamidi|Hamidi|Al Hamidi"},
                                      {"بلخياط", "Belkhayat|Belkhayate"},
                                      {"الزهراوي", "Zahraoui|Ezzahraoui"}};

constexpr std::string_view kProvinces[] = {
    "MA-CAS", "MA-RAB", "MA-SAL", "MA-FES", "MA-MEK", "MA-MAR", "MA-AGD", "MA-TNG",
    "MA-TET", "MA-OUJ", "MA-KEN", "MA-SAF", "MA-JDI", "MA-ESI", "MA-TAO", "MA-KES",
    "MA-BEM", "MA-KHO", "MA-NAD", "MA-LAR", "MA-SET", "MA-TAZ", "MA-HAO", "MA-CHT",
    "MA-AZI", "MA-GUE", "MA-OUA", "MA-ERR", "MA-SIK", "MA-MOH"};

// splitmix64: tiny, fast and identical everywhere, unlike std::*_distribution.
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
  bool chance(double p) { return static_cast<double>(next() >> 11) * 0x1.0p-53 < p; }
  // Zipf-like pick: low indexes (common names) come up more often.
  std::size_t skewed(std::size_t n) {
    const std::size_t a = below(n), b = below(n);
    return a < b ? a : b;
  }

 private:
  std::uint64_t state_;
};

std::string_view pick_variant(std::string_view variants, Random& random, bool common_only) {
  std::array<std::string_view, 8> parts{};
  std::size_t count = 0, start = 0;
  while (start <= variants.size() && count < parts.size()) {
    std::size_t end = variants.find('|', start);
    if (end == std::string_view::npos) end = variants.size();
    parts[count++] = variants.substr(start, end - start);
    start = end + 1;
  }
  return common_only ? parts[0] : parts[random.below(count)];
}

// One keyboard slip in a Latin word: substitution, deletion, doubling or swap.
std::string typo(std::string word, Random& random) {
  if (word.size() < 4) return word;
  const std::size_t at = 1 + random.below(word.size() - 2);
  switch (random.below(4)) {
    case 0:
      word[at] = static_cast<char>('a' + random.below(26));
      break;
    case 1:
      word.erase(at, 1);
      break;
    case 2:
      word.insert(at, 1, word[at]);
      break;
    default:
      std::swap(word[at], word[at + 1]);
      break;
  }
  return word;
}

struct Person {
  bool female = false;
  std::size_t first = 0, family = 0, father = 0;
  int year = 0, month = 0, day = 0;
  std::string cin;
  std::size_t province = 0;
};

std::string two_digits(int v) {
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "%02d", v);
  return buffer;
}

PersonRecord render(const Person& p, Random& random, bool messy) {
  const NameEntry& first = p.female ? kFemaleNames[p.first] : kMaleNames[p.first];
  const NameEntry& family = kFamilyNames[p.family];
  PersonRecord r;
  r.sex = p.female ? Sex::kFemale : Sex::kMale;
  const std::size_t script = random.below(100);
  const bool arabic = script < 65, latin = script >= 35;
  const bool latin_typos = messy ? random.chance(0.10) : random.chance(0.04);
  auto latin_of = [&](const NameEntry& e) {
    std::string word(pick_variant(e.latin, random, false));
    return latin_typos && random.chance(0.5) ? typo(word, random) : word;
  };
  if (arabic) {
    r.first_name_ar = first.arabic;
    r.last_name_ar = family.arabic;
  }
  if (latin) {
    r.first_name_lat = latin_of(first);
    r.last_name_lat = latin_of(family);
  }
  if (messy) {
    if (random.chance(0.08)) {  // given name in Arabic, family name in Latin only
      r.first_name_ar = first.arabic;
      r.first_name_lat.clear();
      r.last_name_ar.clear();
      r.last_name_lat = latin_of(family);
    }
    if (random.chance(0.06)) {  // clerk swapped the columns
      std::swap(r.first_name_ar, r.last_name_ar);
      std::swap(r.first_name_lat, r.last_name_lat);
    }
    if (random.chance(0.03)) {  // family name not recorded
      r.last_name_ar.clear();
      r.last_name_lat.clear();
    }
  }
  // Birth date.
  const std::size_t date_kind = random.below(100);
  const std::string year = std::to_string(p.year);
  std::string date = year + "-" + two_digits(p.month) + "-" + two_digits(p.day);
  if (date_kind < (messy ? 50u : 80u)) {
    r.birth = parse_birth_date(date);
  } else if (date_kind < (messy ? 65u : 92u)) {
    r.birth = parse_birth_date(year);
  } else if (messy && date_kind < 80) {
    const int off = static_cast<int>(random.below(5)) - 2;
    r.birth = parse_birth_date("~" + std::to_string(p.year + off));
  } else if (date_kind < (messy ? 85u : 95u) && p.day <= 12) {
    r.birth = parse_birth_date(year + "-" + two_digits(p.day) + "-" + two_digits(p.month));
  } else if (date_kind < 97) {
    r.birth = parse_birth_date(date);
  }
  // Identity card, province, father.
  if (!p.cin.empty() && random.chance(0.5)) {
    r.cin = messy && random.chance(0.05) ? typo(p.cin, random) : p.cin;
  }
  std::size_t province = p.province;
  if (messy && random.chance(0.12)) province = random.below(std::size(kProvinces));
  r.province = kProvinces[province];
  if (random.chance(0.4)) {
    const NameEntry& father = kMaleNames[p.father];
    r.father_first_name = random.chance(0.5)
                              ? std::string(father.arabic)
                              : std::string(pick_variant(father.latin, random, false));
  }
  return r;
}

}  // namespace

std::span<const NameEntry> male_given_names() {
  return kMaleNames;
}
std::span<const NameEntry> female_given_names() {
  return kFemaleNames;
}
std::span<const NameEntry> family_names() {
  return kFamilyNames;
}

SyntheticSet generate_synthetic(const SyntheticOptions& options) {
  Random random(options.seed * 0x2545F4914F6CDD1Dull + 17);
  SyntheticSet set;
  std::vector<Person> people;
  people.reserve(options.people);
  while (people.size() < options.people) {
    Person p;
    p.female = random.chance(0.5);
    p.first = random.skewed(p.female ? std::size(kFemaleNames) : std::size(kMaleNames));
    p.family = random.skewed(std::size(kFamilyNames));
    p.father = random.skewed(std::size(kMaleNames));
    p.year = 1940 + static_cast<int>(random.below(85));
    p.month = 1 + static_cast<int>(random.below(12));
    p.day = 1 + static_cast<int>(random.below(28));
    if (random.chance(0.5)) {
      p.cin = std::string(1, static_cast<char>('A' + random.below(26))) +
              std::to_string(10000 + random.below(890000));
    }
    p.province = random.skewed(std::size(kProvinces));
    people.push_back(p);
    if (people.size() < options.people && random.chance(options.sibling_share)) {
      Person sibling = p;  // same family, father and province; another given name
      sibling.female = random.chance(0.5);
      sibling.first =
          random.below(sibling.female ? std::size(kFemaleNames) : std::size(kMaleNames));
      if (!random.chance(0.2)) {  // 1 in 5 are twins, born the same day
        sibling.year = p.year + 1 + static_cast<int>(random.below(8));
        sibling.month = 1 + static_cast<int>(random.below(12));
        sibling.day = 1 + static_cast<int>(random.below(28));
      }
      sibling.cin.clear();
      people.push_back(sibling);
    }
  }
  for (std::uint32_t e = 0; e < people.size(); ++e) {
    std::size_t copies = 1;
    if (random.chance(options.duplicated_share))
      copies = 2 + random.below(3) / 2 + random.below(2) * random.below(2);
    for (std::size_t c = 0; c < copies; ++c) {
      set.records.push_back(render(people[e], random, options.messy));
      set.entity.push_back(e);
    }
  }
  // Shuffle so that duplicates are not adjacent (Fisher-Yates on both arrays).
  for (std::size_t i = set.records.size(); i > 1; --i) {
    const std::size_t j = random.below(i);
    std::swap(set.records[i - 1], set.records[j]);
    std::swap(set.entity[i - 1], set.entity[j]);
  }
  set.ids.reserve(set.records.size());
  for (std::size_t i = 0; i < set.records.size(); ++i) {
    std::string digits = std::to_string(i + 1);
    set.ids.push_back("S" + std::string(digits.size() < 7 ? 7 - digits.size() : 0, '0') + digits);
  }
  return set;
}

namespace {

std::string csv_field(const std::string& value) {
  if (value.find_first_of(",\"\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  return quoted + "\"";
}

std::string date_text(const BirthDate& d) {
  switch (d.precision) {
    case DatePrecision::kExact:
      return std::to_string(d.year) + "-" + two_digits(d.month) + "-" + two_digits(d.day);
    case DatePrecision::kYear:
      return std::to_string(d.year);
    case DatePrecision::kEstimated:
      return "~" + std::to_string(d.year);
    case DatePrecision::kNone:
      break;
  }
  return "";
}

}  // namespace

std::string to_records_csv(const SyntheticSet& set) {
  std::string out =
      "record_id,first_name_ar,last_name_ar,first_name_lat,last_name_lat,sex,birth_date,cin,"
      "province,"
      "father_first_name\n";
  for (std::size_t i = 0; i < set.records.size(); ++i) {
    const PersonRecord& r = set.records[i];
    out += set.ids[i] + ',' + csv_field(r.first_name_ar) + ',' + csv_field(r.last_name_ar) + ',' +
           csv_field(r.first_name_lat) + ',' + csv_field(r.last_name_lat) + ',' +
           (r.sex == Sex::kFemale ? "F"
            : r.sex == Sex::kMale ? "M"
                                  : "") +
           ',' + date_text(r.birth) + ',' + csv_field(r.cin) + ',' + csv_field(r.province) + ',' +
           csv_field(r.father_first_name) + '\n';
  }
  return out;
}

std::string to_truth_csv(const SyntheticSet& set) {
  std::string out = "record_id,entity_id\n";
  for (std::size_t i = 0; i < set.records.size(); ++i) {
    out += set.ids[i] + ",E" + std::to_string(set.entity[i]) + '\n';
  }
  return out;
}

std::string noisy_query(const SyntheticSet& set, std::size_t index, std::uint64_t seed) {
  Random random(seed * 1000003 + index);
  const PersonRecord& r = set.records[index];
  std::string first = !r.first_name_lat.empty() ? r.first_name_lat : r.first_name_ar;
  std::string last = !r.last_name_lat.empty() ? r.last_name_lat : r.last_name_ar;
  // Sometimes the other script when the record has both.
  if (!r.first_name_ar.empty() && random.chance(0.4)) first = r.first_name_ar;
  if (!r.last_name_ar.empty() && random.chance(0.4)) last = r.last_name_ar;
  const bool first_is_latin = !first.empty() && static_cast<unsigned char>(first[0]) < 0x80;
  const bool last_is_latin = !last.empty() && static_cast<unsigned char>(last[0]) < 0x80;
  if (first_is_latin && random.chance(0.3)) first = typo(first, random);
  if (last_is_latin && random.chance(0.3)) last = typo(last, random);
  const std::size_t shape = random.below(10);
  if (shape == 0 && !last.empty()) return last + " " + first;  // family name first
  if (shape == 1 && !last.empty()) return last;                // family name only (partial)
  return first.empty() ? last : last.empty() ? first : first + " " + last;
}

}  // namespace jisr::match
