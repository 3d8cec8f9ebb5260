import type { RouteDef } from './routes.js';
import { authRoutes } from './resources/auth.js';
import { classroomRoutes } from './resources/classrooms.js';
import { learningAimRoutes } from './resources/learning-aims.js';
import { organisationRoutes } from './resources/organisations.js';
import { placementRoutes } from './resources/placements.js';
import { reviewRoutes } from './resources/reviews.js';
import { standardRoutes } from './resources/standards.js';
import { userRoutes } from './resources/users.js';
import { visitRoutes } from './resources/visits.js';

/** Every endpoint the simulator serves under /api/v2.1 (SPEC "The OneFile wire contract"). */
export const API_ROUTES: readonly RouteDef[] = [
  ...authRoutes, ...organisationRoutes, ...userRoutes, ...classroomRoutes, ...placementRoutes, ...standardRoutes,
  ...learningAimRoutes, ...reviewRoutes, ...visitRoutes,
];
