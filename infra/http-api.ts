/**
 * The HTTP API: one route per entry of wiring/routes.ts (the same list the local server serves), a JWT
 * authorizer on every route that is not public, JSON access logs and throttling on the default stage.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IUserPoolClient, UserPool } from 'aws-cdk-lib/aws-cognito';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionKey } from '../wiring/functions.js';
import { ROUTES, type RouteDeclaration } from '../wiring/routes.js';

export interface SocialCrmApiProps {
  /** The function behind each function key (built by the bounded contexts). */
  functionFor: (key: FunctionKey) => IFunction;
  userPool: UserPool;
  userPoolClient: IUserPoolClient;
  /** The deployment's admin pool: routes for the `operator` role take its tokens, and only its tokens. */
  operatorPool: UserPool;
  operatorPoolClient: IUserPoolClient;
  /** Other app clients of `userPool` whose ID tokens the tenant routes take too (the console's hosted sign-in). */
  otherClientIds?: readonly string[];
  /** Steady-state requests per second and burst for the whole stage (per account and region). */
  throttle?: { rateLimit: number; burstLimit: number };
}

/** Access log line: ids, route, status and latencies; no source IP, no user agent, no bodies. */
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTimeEpoch',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    responseLatency: '$context.responseLatency',
    integrationLatency: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    authorizerError: '$context.authorizer.error',
  }),
);

export class SocialCrmApi extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly routes: readonly HttpRoute[];

  constructor(scope: Construct, id: string, props: SocialCrmApiProps) {
    super(scope, id);
    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Social CRM: webhooks (signed) and the /v1 API (Cognito ID token)',
      // the default stage is made below, with access logs and throttling that HttpApi's own cannot take
      createDefaultStage: false,
    });

    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: ACCESS_LOG_FORMAT },
    });

    // HTTP APIs check the token's signature, issuer, audience and expiry; roles are checked by the handlers
    const authorizer = new HttpJwtAuthorizer('CognitoIdToken', props.userPool.userPoolProviderUrl, {
      jwtAudience: [props.userPoolClient.userPoolClientId, ...(props.otherClientIds ?? [])],
    });
    const operatorAuthorizer = new HttpJwtAuthorizer('OperatorIdToken', props.operatorPool.userPoolProviderUrl, {
      jwtAudience: [props.operatorPoolClient.userPoolClientId],
    });
    const authorizerOf = (route: RouteDeclaration) =>
      route.auth === 'public' ? undefined : (route.auth.roles as readonly string[]).includes('operator') ? operatorAuthorizer : authorizer;

    const integrations = new Map<FunctionKey, HttpLambdaIntegration>();
    const integrationFor = (key: FunctionKey) => {
      let integration = integrations.get(key);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${key}Integration`, props.functionFor(key));
        integrations.set(key, integration);
      }
      return integration;
    };

    this.routes = ROUTES.map((route) => this.addRoute(route, integrationFor(route.function), authorizerOf(route)));
  }

  private addRoute(route: RouteDeclaration, integration: HttpLambdaIntegration, authorizer: HttpJwtAuthorizer | undefined): HttpRoute {
    const httpRoute = new HttpRoute(this, `${route.method}${route.path}`, {
      httpApi: this.httpApi,
      routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
      integration,
      ...(authorizer && { authorizer }),
    });
    if (!authorizer) {
      Validations.of(httpRoute.node.defaultChild!).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason: `Declared public in wiring/routes.ts (${route.summary}): webhooks authenticate by the platform signature, the OpenAPI document holds no tenant data.`,
      });
    }
    return httpRoute;
  }
}
