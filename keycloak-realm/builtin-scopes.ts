/**
 * The client scopes Keycloak 26.2 creates in a realm made with `POST /admin/realms`
 * (captured from Keycloak 26.2.5, ids removed). A realm imported with its own
 * `clientScopes` (as a KeycloakRealmImport is) gets none of them, so the renderer adds
 * these definitions; without `basic` tokens carry no `sub`, without `profile` no
 * `preferred_username`.
 */

/** ClientScopeRepresentation of one built-in scope. */
export interface BuiltinClientScope {
  readonly name: string;
  readonly description?: string;
  readonly protocol: 'openid-connect' | 'saml';
  readonly attributes: Readonly<Record<string, string>>;
  readonly protocolMappers: readonly {
    readonly name: string;
    readonly protocol: string;
    readonly protocolMapper: string;
    readonly consentRequired: boolean;
    readonly config: Readonly<Record<string, string>>;
  }[];
}

/** Realm default client scopes of a new Keycloak 26.2 realm. */
export const BUILTIN_REALM_DEFAULT_SCOPES: readonly string[] = ['acr', 'basic', 'email', 'profile', 'role_list', 'roles', 'saml_organization', 'web-origins'];
/** Realm optional client scopes of a new Keycloak 26.2 realm. */
export const BUILTIN_REALM_OPTIONAL_SCOPES: readonly string[] = ['address', 'microprofile-jwt', 'offline_access', 'organization', 'phone'];

export const BUILTIN_SCOPE_DEFINITIONS: readonly BuiltinClientScope[] = [
  {
    name: 'acr',
    description: 'OpenID Connect scope for add acr (authentication context class reference) to the token',
    protocol: 'openid-connect',
    attributes: {
      'display.on.consent.screen': 'false',
      'include.in.token.scope': 'false',
    },
    protocolMappers: [
      {
        name: 'acr loa level',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-acr-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
        },
      },
    ],
  },
  {
    name: 'address',
    description: 'OpenID Connect built-in scope: address',
    protocol: 'openid-connect',
    attributes: {
      'consent.screen.text': '${addressScopeConsentText}',
      'display.on.consent.screen': 'true',
      'include.in.token.scope': 'true',
    },
    protocolMappers: [
      {
        name: 'address',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-address-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'user.attribute.country': 'country',
          'user.attribute.formatted': 'formatted',
          'user.attribute.locality': 'locality',
          'user.attribute.postal_code': 'postal_code',
          'user.attribute.region': 'region',
          'user.attribute.street': 'street',
          'userinfo.token.claim': 'true',
        },
      },
    ],
  },
  {
    name: 'basic',
    description: 'OpenID Connect scope for add all basic claims to the token',
    protocol: 'openid-connect',
    attributes: {
      'display.on.consent.screen': 'false',
      'include.in.token.scope': 'false',
    },
    protocolMappers: [
      {
        name: 'auth_time',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usersessionmodel-note-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'auth_time',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'long',
          'user.session.note': 'AUTH_TIME',
        },
      },
      {
        name: 'sub',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-sub-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'introspection.token.claim': 'true',
        },
      },
    ],
  },
  {
    name: 'email',
    description: 'OpenID Connect built-in scope: email',
    protocol: 'openid-connect',
    attributes: {
      'consent.screen.text': '${emailScopeConsentText}',
      'display.on.consent.screen': 'true',
      'include.in.token.scope': 'true',
    },
    protocolMappers: [
      {
        name: 'email',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'email',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'email',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'email verified',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-property-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'email_verified',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'boolean',
          'user.attribute': 'emailVerified',
          'userinfo.token.claim': 'true',
        },
      },
    ],
  },
  {
    name: 'microprofile-jwt',
    description: 'Microprofile - JWT built-in scope',
    protocol: 'openid-connect',
    attributes: {
      'display.on.consent.screen': 'false',
      'include.in.token.scope': 'true',
    },
    protocolMappers: [
      {
        name: 'groups',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-realm-role-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'groups',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          multivalued: 'true',
          'user.attribute': 'foo',
        },
      },
      {
        name: 'upn',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'upn',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'username',
          'userinfo.token.claim': 'true',
        },
      },
    ],
  },
  {
    name: 'offline_access',
    description: 'OpenID Connect built-in scope: offline_access',
    protocol: 'openid-connect',
    attributes: {
      'consent.screen.text': '${offlineAccessScopeConsentText}',
      'display.on.consent.screen': 'true',
    },
    protocolMappers: [],
  },
  {
    name: 'organization',
    description: 'Additional claims about the organization a subject belongs to',
    protocol: 'openid-connect',
    attributes: {
      'consent.screen.text': '${organizationScopeConsentText}',
      'display.on.consent.screen': 'true',
      'include.in.token.scope': 'true',
    },
    protocolMappers: [
      {
        name: 'organization',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-organization-membership-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'organization',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          multivalued: 'true',
        },
      },
    ],
  },
  {
    name: 'phone',
    description: 'OpenID Connect built-in scope: phone',
    protocol: 'openid-connect',
    attributes: {
      'consent.screen.text': '${phoneScopeConsentText}',
      'display.on.consent.screen': 'true',
      'include.in.token.scope': 'true',
    },
    protocolMappers: [
      {
        name: 'phone number',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'phone_number',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'phoneNumber',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'phone number verified',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'phone_number_verified',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'boolean',
          'user.attribute': 'phoneNumberVerified',
          'userinfo.token.claim': 'true',
        },
      },
    ],
  },
  {
    name: 'profile',
    description: 'OpenID Connect built-in scope: profile',
    protocol: 'openid-connect',
    attributes: {
      'consent.screen.text': '${profileScopeConsentText}',
      'display.on.consent.screen': 'true',
      'include.in.token.scope': 'true',
    },
    protocolMappers: [
      {
        name: 'birthdate',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'birthdate',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'birthdate',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'family name',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'family_name',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'lastName',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'full name',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-full-name-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'gender',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'gender',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'gender',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'given name',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'given_name',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'firstName',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'locale',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'locale',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'locale',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'middle name',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'middle_name',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'middleName',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'nickname',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'nickname',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'nickname',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'picture',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'picture',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'picture',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'profile',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'profile',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'profile',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'updated at',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'updated_at',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'long',
          'user.attribute': 'updatedAt',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'username',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'preferred_username',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'username',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'website',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'website',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'website',
          'userinfo.token.claim': 'true',
        },
      },
      {
        name: 'zoneinfo',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-attribute-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'zoneinfo',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.attribute': 'zoneinfo',
          'userinfo.token.claim': 'true',
        },
      },
    ],
  },
  {
    name: 'role_list',
    description: 'SAML role list',
    protocol: 'saml',
    attributes: {
      'consent.screen.text': '${samlRoleListScopeConsentText}',
      'display.on.consent.screen': 'true',
    },
    protocolMappers: [
      {
        name: 'role list',
        protocol: 'saml',
        protocolMapper: 'saml-role-list-mapper',
        consentRequired: false,
        config: {
          'attribute.name': 'Role',
          'attribute.nameformat': 'Basic',
          single: 'false',
        },
      },
    ],
  },
  {
    name: 'roles',
    description: 'OpenID Connect scope for add user roles to the access token',
    protocol: 'openid-connect',
    attributes: {
      'consent.screen.text': '${rolesScopeConsentText}',
      'display.on.consent.screen': 'true',
      'include.in.token.scope': 'false',
    },
    protocolMappers: [
      {
        name: 'audience resolve',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-audience-resolve-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'introspection.token.claim': 'true',
        },
      },
      {
        name: 'client roles',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-client-role-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'resource_access.${client_id}.roles',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          multivalued: 'true',
          'user.attribute': 'foo',
        },
      },
      {
        name: 'realm roles',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usermodel-realm-role-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'realm_access.roles',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          multivalued: 'true',
          'user.attribute': 'foo',
        },
      },
    ],
  },
  {
    name: 'saml_organization',
    description: 'Organization Membership',
    protocol: 'saml',
    attributes: {
      'display.on.consent.screen': 'false',
    },
    protocolMappers: [
      {
        name: 'organization',
        protocol: 'saml',
        protocolMapper: 'saml-organization-membership-mapper',
        consentRequired: false,
        config: {},
      },
    ],
  },
  {
    name: 'service_account',
    description: 'Specific scope for a client enabled for service accounts',
    protocol: 'openid-connect',
    attributes: {
      'display.on.consent.screen': 'false',
      'include.in.token.scope': 'false',
    },
    protocolMappers: [
      {
        name: 'Client Host',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usersessionmodel-note-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'clientHost',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.session.note': 'clientHost',
        },
      },
      {
        name: 'Client ID',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usersessionmodel-note-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'client_id',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.session.note': 'client_id',
        },
      },
      {
        name: 'Client IP Address',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-usersessionmodel-note-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'claim.name': 'clientAddress',
          'id.token.claim': 'true',
          'introspection.token.claim': 'true',
          'jsonType.label': 'String',
          'user.session.note': 'clientAddress',
        },
      },
    ],
  },
  {
    name: 'web-origins',
    description: 'OpenID Connect scope for add allowed web origins to the access token',
    protocol: 'openid-connect',
    attributes: {
      'consent.screen.text': '',
      'display.on.consent.screen': 'false',
      'include.in.token.scope': 'false',
    },
    protocolMappers: [
      {
        name: 'allowed web origins',
        protocol: 'openid-connect',
        protocolMapper: 'oidc-allowed-origins-mapper',
        consentRequired: false,
        config: {
          'access.token.claim': 'true',
          'introspection.token.claim': 'true',
        },
      },
    ],
  },
];
