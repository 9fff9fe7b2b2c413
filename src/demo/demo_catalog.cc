// src/demo/demo_catalog.cc
#include "demo/demo_catalog.h"

#include <cstdio>
#include <stdexcept>

#include "demo/demo_data.h"

namespace jisr::demo {

std::size_t Rng::weighted(const std::vector<int>& weights) {
  std::int64_t total = 0;
  for (int w : weights) total += w;
  std::int64_t pick = below(total);
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (pick < weights[i]) return i;
    pick -= weights[i];
  }
  return weights.size() - 1;
}

Day parse_day(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) {
    throw std::invalid_argument("not a date (YYYY-MM-DD): " + text);
  }
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                        std::chrono::day{d}};
  if (!ymd.ok()) throw std::invalid_argument("not a date (YYYY-MM-DD): " + text);
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

std::string day_text(Day d) {
  const std::chrono::year_month_day ymd{std::chrono::sys_days{std::chrono::days{d}}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

std::chrono::system_clock::time_point moment(Day d, int minute) {
  return std::chrono::system_clock::time_point{std::chrono::sys_days{std::chrono::days{d}}} +
         std::chrono::minutes(minute);
}

Day today_utc() {
  return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())
      .time_since_epoch()
      .count();
}

const std::vector<std::pair<std::string, int>>& regional_eps_weights() {
  // Roughly the regional distribution of EPS published by the ministry (see
  // docs/demo-data.md): Marrakech-Safi and Fès-Meknès hold the most, Dakhla-Oued Ed-Dahab
  // the fewest. Weights, not exact counts.
  static const std::vector<std::pair<std::string, int>> v = {
      {"MA-01", 100}, {"MA-02", 85}, {"MA-03", 175}, {"MA-04", 120}, {"MA-05", 80}, {"MA-06", 150},
      {"MA-07", 190}, {"MA-08", 60}, {"MA-09", 95},  {"MA-10", 25},  {"MA-11", 15}, {"MA-12", 6}};
  return v;
}

const std::vector<std::pair<std::string, int>>& regional_population_weights() {
  static const std::vector<std::pair<std::string, int>> v = {
      {"MA-01", 105}, {"MA-02", 68}, {"MA-03", 125}, {"MA-04", 136}, {"MA-05", 74}, {"MA-06", 203},
      {"MA-07", 135}, {"MA-08", 48}, {"MA-09", 80},  {"MA-10", 13},  {"MA-11", 11}, {"MA-12", 4}};
  return v;
}

Bilingual institution_name_base(std::string_view category) {
  if (category == "children") return {"Dar Al Atfal", "دار الأطفال"};
  if (category == "street_children")
    return {"Centre d'accueil des enfants en situation de rue",
            "مركز استقبال الأطفال في وضعية الشارع"};
  if (category == "women") return {"Centre d'accueil des femmes", "مركز استقبال النساء"};
  if (category == "disability")
    return {"Centre des personnes en situation de handicap", "مركز الأشخاص في وضعية إعاقة"};
  if (category == "elderly") return {"Dar Al Ajaza", "دار العجزة"};
  if (category == "homeless") return {"Centre d'hébergement", "مركز الإيواء"};
  return {"Complexe social", "المركب الاجتماعي"};
}

const std::vector<Bilingual>& association_names() {
  static const std::vector<Bilingual> v = {{"Al Amal", "الأمل"},     {"Annour", "النور"},
                                           {"Al Ihsane", "الإحسان"}, {"Tadamoun", "التضامن"},
                                           {"Al Baraka", "البركة"},  {"Assafa", "الصفاء"},
                                           {"Al Wafae", "الوفاء"},   {"Ennakhil", "النخيل"},
                                           {"Al Manar", "المنار"},   {"Rihab", "رحاب"}};
  return v;
}

const std::vector<Bilingual>& association_causes() {
  static const std::vector<Bilingual> v = {
      {"pour la protection de l'enfance", "لحماية الطفولة"},
      {"pour l'accompagnement des femmes", "لمواكبة النساء"},
      {"des personnes en situation de handicap", "للأشخاص في وضعية إعاقة"},
      {"pour les personnes âgées", "للأشخاص المسنين"},
      {"de solidarité et de développement", "للتضامن والتنمية"}};
  return v;
}

const std::vector<std::string>& services_for_module(std::string_view module) {
  static const std::vector<std::string> child = {
      "accommodation",         "meals",    "schooling",   "medical_care",
      "psychological_support", "clothing", "hygiene_kit", "family_mediation"};
  static const std::vector<std::string> women = {"orientation",           "legal_aid",
                                                 "psychological_support", "vocational_training",
                                                 "financial_aid",         "accommodation"};
  static const std::vector<std::string> disability = {
      "medical_care", "psychological_support", "vocational_training", "financial_aid", "schooling"};
  static const std::vector<std::string> elderly = {"accommodation", "meals", "medical_care",
                                                   "hygiene_kit", "clothing"};
  static const std::vector<std::string> street = {"meals",        "hygiene_kit", "accommodation",
                                                  "medical_care", "orientation", "clothing"};
  static const std::vector<std::string> leaving = {"vocational_training", "financial_aid",
                                                   "orientation", "legal_aid"};
  if (module == "women") return women;
  if (module == "disability") return disability;
  if (module == "elderly") return elderly;
  if (module == "street_homeless") return street;
  if (module == "leaving_care") return leaving;
  return child;
}

const std::vector<std::string>& referral_reasons() {
  static const std::vector<std::string> v = {"Besoin d'un suivi psychologique spécialisé",
                                             "Prise en charge médicale non disponible sur place",
                                             "Demande d'hébergement temporaire",
                                             "Accompagnement juridique pour l'état civil",
                                             "Orientation vers une formation professionnelle",
                                             "Médiation familiale en vue d'un retour en famille"};
  return v;
}

const std::vector<std::string>& decline_reasons() {
  static const std::vector<std::string> v = {"Capacité atteinte", "Hors de notre zone d'action",
                                             "Profil ne correspondant pas à nos services"};
  return v;
}

const std::vector<std::string>& goals_for_module(std::string_view module) {
  static const std::vector<std::string> child = {"Assurer la sécurité et la scolarité de l'enfant",
                                                 "Renouer les liens familiaux"};
  static const std::vector<std::string> women = {"Mettre la bénéficiaire en sécurité",
                                                 "Accéder à un revenu autonome"};
  static const std::vector<std::string> disability = {"Obtenir la carte de handicap",
                                                      "Améliorer l'autonomie au quotidien"};
  static const std::vector<std::string> elderly = {"Assurer les soins réguliers",
                                                   "Maintenir les liens sociaux"};
  static const std::vector<std::string> street = {"Sortir de la rue durablement",
                                                  "Accéder aux soins de base"};
  static const std::vector<std::string> leaving = {"Préparer l'autonomie à la sortie",
                                                   "Trouver un logement et un emploi"};
  if (module == "women") return women;
  if (module == "disability") return disability;
  if (module == "elderly") return elderly;
  if (module == "street_homeless") return street;
  if (module == "leaving_care") return leaving;
  return child;
}

const std::vector<std::string>& actions_for_module(std::string_view module) {
  static const std::vector<std::string> child = {
      "Inscription à l'école du quartier", "Visite à domicile de la famille",
      "Bilan de santé complet", "Entretien avec le juge des mineurs"};
  static const std::vector<std::string> women = {
      "Dépôt de plainte accompagné", "Inscription à un atelier de couture",
      "Rendez-vous avec l'avocate de l'association", "Recherche d'un hébergement stable"};
  static const std::vector<std::string> disability = {
      "Constitution du dossier de carte de handicap", "Séances de kinésithérapie",
      "Demande d'aide technique (fauteuil)", "Inscription en classe intégrée"};
  static const std::vector<std::string> elderly = {
      "Consultation gériatrique", "Renouvellement de l'AMO", "Contact avec la famille élargie",
      "Activités collectives hebdomadaires"};
  static const std::vector<std::string> street = {
      "Maraude de suivi", "Obtention d'une pièce d'identité", "Cure de désintoxication",
      "Placement en centre d'accueil"};
  static const std::vector<std::string> leaving = {
      "Inscription en formation professionnelle", "Ouverture d'un compte bancaire",
      "Recherche de stage", "Demande de logement social"};
  if (module == "women") return women;
  if (module == "disability") return disability;
  if (module == "elderly") return elderly;
  if (module == "street_homeless") return street;
  if (module == "leaving_care") return leaving;
  return child;
}

const std::vector<std::string_view>& neighbourhoods() {
  static const std::vector<std::string_view> v = {
      "Hay Mohammadi", "Hay Salam", "Quartier Al Qods", "Hay Nahda",      "Quartier Industriel",
      "Hay Al Wahda",  "Médina",    "Hay Riad",         "Hay Al Massira", "Quartier Administratif"};
  return v;
}

}  // namespace jisr::demo
