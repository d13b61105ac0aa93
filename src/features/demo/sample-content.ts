/**
 * What the demo team's sample data says: leads, tickets with their tasks, and two WhatsApp
 * conversations, as API inputs for the demo workspace (examples/demo-workspace.yaml). The same
 * on every run: names come from fixed lists, numbers from a seeded generator, and times are
 * offsets from the moment of the first start.
 */
import type { CreateInput } from '../processes/service.ts';
import type { CreateTaskInput } from '../tasks/service.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

interface SampleTask {
  stateTask: string;
  input: CreateTaskInput;
  /** When the task was made, in hours after its process. */
  afterHours: number;
}

interface SampleProcess {
  procedure: 'lead' | 'ticket';
  /** The primary-key value (lead_id, ticket_no): how tasks and chats find their process. */
  key: string;
  input: CreateInput;
  /** How long before the first start the process was created. */
  ageHours: number;
  tasks: SampleTask[];
}

interface SampleChatMessage {
  direction: 'INCOMING' | 'OUTGOING';
  text: string;
  /** For an outgoing message: the last status Meta reported. */
  status?: 'SENT' | 'DELIVERED' | 'READ';
  minutesAgo: number;
}

export interface SampleChat {
  /** The lead the conversation is about (its lead_id); its phone is the customer's. */
  leadKey: string;
  messages: SampleChatMessage[];
}

export interface SampleContent {
  processes: SampleProcess[];
  chats: SampleChat[];
}

/** mulberry32: a tiny seeded generator, so "varied" is the same variety on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST_NAMES = [
  'Aarav',
  'Priya',
  'Rohan',
  'Ananya',
  'Vikram',
  'Sneha',
  'Arjun',
  'Kavya',
  'Rahul',
  'Ishita',
  'Karan',
  'Meera',
  'Aditya',
  'Pooja',
  'Siddharth',
  'Neha',
  'Manish',
  'Divya',
  'Nikhil',
  'Riya',
  'Amit',
  'Shreya',
  'Varun',
  'Tanvi',
  'Harsh',
  'Nisha',
  'Kunal',
  'Aditi',
  'Deepak',
  'Swati',
  'Rajesh',
  'Anjali',
  'Sanjay',
  'Kiran',
  'Gaurav',
  'Lakshmi',
];
const LAST_NAMES = [
  'Sharma',
  'Patel',
  'Iyer',
  'Reddy',
  'Nair',
  'Gupta',
  'Singh',
  'Menon',
  'Kumar',
  'Das',
  'Joshi',
  'Rao',
  'Mehta',
  'Bose',
  'Kapoor',
  'Pillai',
  'Verma',
];
const CITIES: [string, string][] = [
  ['Bengaluru', '560034'],
  ['Mumbai', '400050'],
  ['Pune', '411014'],
  ['Chennai', '600041'],
  ['Hyderabad', '500081'],
  ['New Delhi', '110017'],
  ['Kolkata', '700091'],
  ['Ahmedabad', '380015'],
  ['Jaipur', '302017'],
  ['Kochi', '682024'],
];
const STREETS = [
  '12 MG Road',
  '4th Cross, Indiranagar',
  '7 Linking Road',
  'Flat 302, Lake View Apartments',
  '21 Park Street',
  '9 Anna Salai',
];
/** Documentation domains (RFC 2606): sample addresses never reach a real mailbox. */
const MAIL_DOMAINS = ['example.com', 'example.org', 'example.net'];
const SOURCES = ['web', 'referral', 'walk_in', 'whatsapp'];
const PRODUCTS = [['loan'], ['card'], ['insurance'], ['loan', 'insurance'], ['card', 'loan']];
const ASSIGNEES = ['john@paisapay.com', 'alex@paisapay.com', 'john@paisapay.com', null];

/** Lead states in the order the sample leads take them; few QUALIFIED, so the README's list still fits one page. */
const LEAD_STATES = ['NEW', 'CONTACTED', 'QUALIFIED', 'NEW', 'CONTACTED', 'CONVERTED', 'NEW', 'LOST', 'CONTACTED'];
const SCORES: Record<string, [number, number]> = { NEW: [1, 6], CONTACTED: [3, 8], QUALIFIED: [6, 10], CONVERTED: [7, 10], LOST: [1, 4] };
const CALL_REMARKS: Record<string, string[]> = {
  interested: ['Wants a quote this week', 'Asked for the documents list', 'Comparing with another bank, keen on our rate'],
  callback: ['Busy at work, call after 6 pm', 'Travelling, asked to call on Monday'],
  not_interested: ['Already took a loan elsewhere', 'Rate too high for them'],
};

export const SAMPLE_LEAD_COUNT = 36;

/** The customer's WhatsApp number for lead `i`: India (91) and ten digits. */
export const samplePhone = (i: number) => `9198450${String(12301 + i * 37).padStart(5, '0')}`;

function sampleLeads(now: number, random: () => number): SampleProcess[] {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const between = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const leads: SampleProcess[] = [];
  for (let i = 0; i < SAMPLE_LEAD_COUNT; i++) {
    const firstname = FIRST_NAMES[i];
    const lastname = LAST_NAMES[(i * 7) % LAST_NAMES.length];
    const state = LEAD_STATES[i % LEAD_STATES.length];
    const open = state === 'NEW' || state === 'CONTACTED' || state === 'QUALIFIED';
    const [city, pincode] = CITIES[(i * 3) % CITIES.length];
    const email = `${firstname}.${lastname}@${MAIL_DOMAINS[i % MAIL_DOMAINS.length]}`.toLowerCase();
    const assignee = state === 'NEW' && i % 2 === 0 ? null : ASSIGNEES[i % ASSIGNEES.length];
    // Spread over the last 30 days, oldest first; each lead a little over 19 hours after the previous.
    const ageHours = (SAMPLE_LEAD_COUNT - i) * 19 + (i % 5);
    const [lo, hi] = SCORES[state];
    const data: Record<string, unknown> = {
      lead_id: `LEAD-${101 + i}`,
      firstname,
      lastname,
      score: between(lo, hi),
      email,
      phone_number: samplePhone(i),
      source: i === 1 || i === 2 ? 'whatsapp' : pick(SOURCES),
      budget: between(10, 300) * 5000,
      interested_in: pick(PRODUCTS),
    };
    // Priya (LEAD-102) asks for a personal loan of 3 lakh in her WhatsApp chat below.
    if (i === 1) Object.assign(data, { budget: 300_000, interested_in: ['loan'] });
    if (open) data.follow_up_on = Math.floor((now + between(1, 14) * DAY) / DAY) * DAY;
    if (i % 4 === 0) data.address = { line1: STREETS[i % STREETS.length], pincode };
    const tasks: SampleTask[] = [];
    if (state === 'NEW') {
      tasks.push({
        stateTask: 'call',
        afterHours: 1,
        input: { status: 'OPEN', title: `First call to ${firstname}`, dueBy: now + between(2, 48) * HOUR },
      });
    } else {
      const disposition = state === 'LOST' ? 'not_interested' : state === 'CONTACTED' && i % 2 === 0 ? 'callback' : 'interested';
      const callData: Record<string, unknown> = { primary_disposition: disposition, remarks: pick(CALL_REMARKS[disposition]) };
      if (disposition === 'callback') callData.when_to_callback = now + between(3, 72) * HOUR;
      tasks.push({ stateTask: 'call', afterHours: 3, input: { status: 'COMPLETED', data: callData } });
      if (state === 'QUALIFIED') {
        const startsAt = Math.floor((now + between(1, 5) * DAY) / HOUR) * HOUR;
        tasks.push({
          stateTask: 'meeting',
          afterHours: 20,
          input: {
            status: 'OPEN',
            title: `Branch meeting with ${firstname}`,
            startsAt,
            endsAt: startsAt + HOUR,
            data: { remarks: 'Bring PAN, Aadhaar and 3 months of bank statements' },
          },
        });
      }
    }
    for (const t of tasks) t.input.assignedTo = assignee;
    leads.push({
      procedure: 'lead',
      key: data.lead_id as string,
      ageHours,
      tasks,
      input: {
        data,
        state,
        assignedTo: assignee,
        nextActionAt: open ? now + between(1, 96) * HOUR : null,
        record: { data: { phone_number: samplePhone(i), email, city } },
      },
    });
  }
  return leads;
}

const TICKETS: { subject: string; description: string; priority: number; state: string; lead: number }[] = [
  {
    subject: 'Card not received after 10 days',
    description: 'Customer applied for the card on the website; courier tracking shows no movement.',
    priority: 2,
    state: 'OPEN',
    lead: 5,
  },
  {
    subject: 'EMI debited twice this month',
    description: 'Two debits of the same EMI amount on consecutive days. Wants the second one reversed.',
    priority: 1,
    state: 'IN_PROGRESS',
    lead: 14,
  },
  {
    subject: 'Update registered mobile number',
    description: 'Changed number; needs OTPs on the new one.',
    priority: 3,
    state: 'RESOLVED',
    lead: 23,
  },
  {
    subject: 'Interest certificate for tax filing',
    description: 'Needs the interest certificate for the last financial year.',
    priority: 3,
    state: 'OPEN',
    lead: 32,
  },
  {
    subject: 'Loan foreclosure charges',
    description: 'Wants to close the loan early and asks what the charges are.',
    priority: 2,
    state: 'IN_PROGRESS',
    lead: 5,
  },
  {
    subject: 'App login fails with an OTP error',
    description: 'The OTP arrives but the app says it has expired.',
    priority: 1,
    state: 'OPEN',
    lead: 14,
  },
  {
    subject: 'Insurance claim status',
    description: 'Claim filed three weeks ago; no update since the surveyor visit.',
    priority: 2,
    state: 'RESOLVED',
    lead: 23,
  },
  {
    subject: 'Address change on card statement',
    description: 'Moved to a new flat; statements still go to the old address.',
    priority: 3,
    state: 'CLOSED',
    lead: 32,
  },
];

function sampleTickets(now: number): SampleProcess[] {
  return TICKETS.map((t, i) => {
    const done = t.state === 'RESOLVED' || t.state === 'CLOSED';
    const assignee = i % 2 === 0 ? 'alex@paisapay.com' : 'john@paisapay.com';
    const tasks: SampleTask[] = [
      {
        stateTask: 'reply',
        afterHours: 2,
        input:
          t.state === 'OPEN'
            ? { status: 'OPEN', title: 'Reply to the customer', dueBy: now + (4 + i) * HOUR, assignedTo: assignee }
            : {
                status: 'COMPLETED',
                assignedTo: assignee,
                data: {
                  remarks: done ? 'Explained the resolution; customer confirmed.' : 'Acknowledged, looking into it with the back office.',
                },
              },
      },
    ];
    return {
      procedure: 'ticket' as const,
      key: `TCK-${1001 + i}`,
      ageHours: (TICKETS.length - i) * 26 + 5,
      tasks,
      input: {
        data: { ticket_no: `TCK-${1001 + i}`, subject: t.subject, priority: t.priority, description: t.description },
        state: t.state,
        assignedTo: assignee,
        // The customer of an earlier lead: the ticket joins that customer's record.
        record: { data: { phone_number: samplePhone(t.lead) } },
      },
    };
  });
}

const CHATS: SampleChat[] = [
  {
    leadKey: 'LEAD-102',
    messages: [
      { direction: 'INCOMING', text: 'Hi! I saw your ad for personal loans. What is the interest rate?', minutesAgo: 26 * 60 },
      {
        direction: 'OUTGOING',
        text: 'Hi Priya, thanks for writing to Demo Company! Personal loans start at 10.5% a year. How much are you looking for?',
        status: 'READ',
        minutesAgo: 26 * 60 - 6,
      },
      { direction: 'INCOMING', text: 'Around 3 lakh, for two years.', minutesAgo: 26 * 60 - 15 },
      {
        direction: 'OUTGOING',
        text: 'That works. Keep your PAN and the last 3 months of bank statements handy; Alex from our team will call you today at 5:30 pm.',
        status: 'READ',
        minutesAgo: 26 * 60 - 21,
      },
      { direction: 'INCOMING', text: 'Perfect, thank you!', minutesAgo: 26 * 60 - 24 },
      {
        direction: 'OUTGOING',
        text: 'Here is the checklist we talked about: PAN, Aadhaar, 3 months of bank statements and 2 salary slips.',
        status: 'DELIVERED',
        minutesAgo: 95,
      },
    ],
  },
  {
    leadKey: 'LEAD-103',
    messages: [
      {
        direction: 'OUTGOING',
        text: 'Hello Rohan, this is John from Demo Company. Thanks for your time on the call! Your branch meeting is booked; reply here to change the time.',
        status: 'READ',
        minutesAgo: 5 * 60,
      },
      { direction: 'INCOMING', text: 'Great, see you then. Can my wife join for a joint application?', minutesAgo: 4 * 60 + 40 },
      { direction: 'OUTGOING', text: 'Of course. Please bring her PAN and bank statements too.', status: 'SENT', minutesAgo: 4 * 60 + 35 },
    ],
  },
];

/** The whole sample, for a first start at `now` (epoch ms). */
export function sampleContent(now: number): SampleContent {
  const random = seeded(20_240_601);
  return { processes: [...sampleLeads(now, random), ...sampleTickets(now)], chats: CHATS };
}
