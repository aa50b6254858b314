// Demo data for the embedded mode and tests: the six Cambodian HEIs of the network, MoEYS, two EU partners and a
// few ASEAN partners, each with people in their roles. Addresses live under demo.* subdomains: nothing real.
export interface SeedInstitution {
  code: string;
  name: string;
  kind: 'hei' | 'ministry' | 'partner';
  country: string;
  region: string;
  city: string;
  website: string;
  domain: string;
}

export const institutions: SeedInstitution[] = [
  { code: 'RUPP', name: 'Royal University of Phnom Penh', kind: 'hei', country: 'KH', region: 'ASEAN', city: 'Phnom Penh', website: 'https://www.rupp.edu.kh', domain: 'demo.rupp.edu.kh' },
  { code: 'ITC', name: 'Institute of Technology of Cambodia', kind: 'hei', country: 'KH', region: 'ASEAN', city: 'Phnom Penh', website: 'https://itc.edu.kh', domain: 'demo.itc.edu.kh' },
  { code: 'RUA', name: 'Royal University of Agriculture', kind: 'hei', country: 'KH', region: 'ASEAN', city: 'Phnom Penh', website: 'https://www.rua.edu.kh', domain: 'demo.rua.edu.kh' },
  { code: 'NUM', name: 'National University of Management', kind: 'hei', country: 'KH', region: 'ASEAN', city: 'Phnom Penh', website: 'https://www.num.edu.kh', domain: 'demo.num.edu.kh' },
  { code: 'UBB', name: 'University of Battambang', kind: 'hei', country: 'KH', region: 'ASEAN', city: 'Battambang', website: 'https://www.ubb.edu.kh', domain: 'demo.ubb.edu.kh' },
  { code: 'SRU', name: 'Svay Rieng University', kind: 'hei', country: 'KH', region: 'ASEAN', city: 'Svay Rieng', website: 'https://www.sru.edu.kh', domain: 'demo.sru.edu.kh' },
  { code: 'MOEYS', name: 'Ministry of Education, Youth and Sport', kind: 'ministry', country: 'KH', region: 'ASEAN', city: 'Phnom Penh', website: 'https://www.moeys.gov.kh', domain: 'demo.moeys.gov.kh' },
  { code: 'USAAR', name: 'Saarland University', kind: 'partner', country: 'DE', region: 'EU', city: 'Saarbrücken', website: 'https://www.uni-saarland.de', domain: 'demo.uni-saarland.de' },
  { code: 'UA', name: 'University of Alicante', kind: 'partner', country: 'ES', region: 'EU', city: 'Alicante', website: 'https://www.ua.es', domain: 'demo.ua.es' },
  { code: 'CU', name: 'Chulalongkorn University', kind: 'partner', country: 'TH', region: 'ASEAN', city: 'Bangkok', website: 'https://www.chula.ac.th', domain: 'demo.chula.ac.th' },
  { code: 'VNU', name: 'Vietnam National University, Hanoi', kind: 'partner', country: 'VN', region: 'ASEAN', city: 'Hanoi', website: 'https://vnu.edu.vn', domain: 'demo.vnu.edu.vn' },
  { code: 'UM', name: 'Universiti Malaya', kind: 'partner', country: 'MY', region: 'ASEAN', city: 'Kuala Lumpur', website: 'https://www.um.edu.my', domain: 'demo.um.edu.my' },
];

export type SeedRole = 'leadership' | 'iro' | 'faculty' | 'moeys_reviewer' | 'admin';

export interface SeedPerson {
  email: string;
  name: string;
  title: string;
  institution: string;
  roles: SeedRole[];
}

const heiPeople: Record<string, [string, string, string][]> = {
  // [local part, name, title]: rector (leadership), IRO head (iro + admin), faculty dean (faculty)
  RUPP: [['rector', 'Dr. Sok Chanthy', 'Rector'], ['iro', 'Ms. Chan Sreyneang', 'Director, International Relations Office'], ['dean.science', 'Dr. Heng Vuthy', 'Dean, Faculty of Science']],
  ITC: [['director', 'Dr. Po Kimtho', 'Director General'], ['iro', 'Mr. Lim Sophal', 'Head, International Relations Office'], ['dean.gic', 'Dr. Touch Sopheak', 'Dean, Faculty of Information and Communication Engineering']],
  RUA: [['rector', 'Dr. Ngo Bunthan', 'Rector'], ['iro', 'Ms. Keo Sothea', 'Head, International Relations Office'], ['dean.agronomy', 'Dr. Chea Sareth', 'Dean, Faculty of Agronomy']],
  NUM: [['rector', 'Dr. Hor Peng', 'Rector'], ['iro', 'Mr. Prak Vannak', 'Head, International Relations Office'], ['dean.business', 'Dr. Sam Ol', 'Dean, Faculty of Business']],
  UBB: [['rector', 'Dr. Bun Sokha', 'Rector'], ['iro', 'Ms. Men Dara', 'Head, International Relations Office'], ['dean.education', 'Dr. Yim Sopheap', 'Dean, Faculty of Education']],
  SRU: [['rector', 'Dr. Nhem Sovanna', 'Rector'], ['iro', 'Mr. Oum Rithy', 'Head, International Relations Office'], ['dean.agriculture', 'Dr. Ros Kanha', 'Dean, Faculty of Agriculture']],
};

export const people: SeedPerson[] = [
  ...Object.entries(heiPeople).flatMap(([code, list]) => {
    const domain = institutions.find((i) => i.code === code)!.domain;
    const [leader, iro, dean] = list as [[string, string, string], [string, string, string], [string, string, string]];
    return [
      { email: `${leader[0]}@${domain}`, name: leader[1], title: leader[2], institution: code, roles: ['leadership'] as SeedRole[] },
      { email: `${iro[0]}@${domain}`, name: iro[1], title: iro[2], institution: code, roles: ['iro', 'admin'] as SeedRole[] },
      { email: `${dean[0]}@${domain}`, name: dean[1], title: dean[2], institution: code, roles: ['faculty'] as SeedRole[] },
    ];
  }),
  { email: 'reviewer1@demo.moeys.gov.kh', name: 'Mr. Chhim Sovannarith', title: 'Deputy Director, Department of Higher Education', institution: 'MOEYS', roles: ['moeys_reviewer'] },
  { email: 'reviewer2@demo.moeys.gov.kh', name: 'Ms. Ly Sreymom', title: 'Officer, Department of Higher Education', institution: 'MOEYS', roles: ['moeys_reviewer'] },
  { email: 'reviewer3@demo.moeys.gov.kh', name: 'Dr. Seng Bunrith', title: 'Director, Department of Higher Education', institution: 'MOEYS', roles: ['moeys_reviewer', 'leadership'] },
  { email: 'admin@demo.moeys.gov.kh', name: 'CHAIn administrator', title: 'Network administrator', institution: 'MOEYS', roles: ['admin'] },
  { email: 'international@demo.uni-saarland.de', name: 'Dr. Anna Becker', title: 'International Office', institution: 'USAAR', roles: ['iro'] },
  { email: 'vicerrectorado@demo.ua.es', name: 'Dra. Lucía Martínez', title: 'Vice-Rector for International Relations', institution: 'UA', roles: ['leadership'] },
];

/** The person the embedded mode's development API key belongs to. */
export const devAdminEmail = 'admin@demo.moeys.gov.kh';
